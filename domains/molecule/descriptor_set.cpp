#include "domains/molecule/descriptor_set.h"

#include <GraphMol/Descriptors/Property.h>
#include <GraphMol/GraphMol.h>
#include <GraphMol/PeriodicTable.h>
#include <GraphMol/SmilesParse/SmilesParse.h>
#include <GraphMol/Subgraphs/Subgraphs.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>

namespace tessera::molecule {
namespace {

// RDKit computes chi2v..chi4v and chi2n..chi4n by enumerating the molecule's paths anew for each
// of the six: about a third of all descriptor time in predict. One enumeration per order serves
// both kinds, with RDKit's atom terms and per-path products
// (ConnectivityDescriptors.cpp), so the values are RDKit's (tests/molecule compare every
// descriptor with Properties on real molecules).
constexpr unsigned kLowestOrder = 2, kHighestOrder = 4;
constexpr unsigned kOrders = kHighestOrder - kLowestOrder + 1;

// Hall-Kier valence deltas ('v') and plain valence terms ('n'), as RDKit's detail::hkDeltas and
// detail::nVals: 1/sqrt(delta), or 0 where delta is 0.
struct AtomTerms {
  std::vector<double> v, n;
};

AtomTerms atom_terms(const RDKit::ROMol& mol) {
  const RDKit::PeriodicTable* table = RDKit::PeriodicTable::getTable();
  AtomTerms terms{std::vector<double>(mol.getNumAtoms()), std::vector<double>(mol.getNumAtoms())};
  auto inverse_root = [](double d) { return d != 0.0 ? 1.0 / std::sqrt(d) : 0.0; };
  for (const RDKit::Atom* atom : mol.atoms()) {
    const unsigned z = atom->getAtomicNum();
    const int outer = table->getNouterElecs(z);
    const int hydrogens = static_cast<int>(atom->getTotalNumHs());
    double v = 0.0;
    if (z > 1 && z <= 10)
      v = outer - hydrogens;
    else if (z > 10)
      v = static_cast<double>(outer - hydrogens) / (static_cast<int>(z) - outer - 1);
    terms.v[atom->getIdx()] = inverse_root(v);
    terms.n[atom->getIdx()] = inverse_root(static_cast<double>(outer - hydrogens));
  }
  return terms;
}

// chi of `order` over atom paths of order + 1 atoms; a path that closes a ring repeats its first
// atom, which counts once.
double chi(const RDKit::PATH_LIST& paths, const std::vector<double>& term, unsigned order) {
  double sum = 0.0;
  for (const RDKit::PATH_TYPE& p : paths) {
    double product = 1.0;
    for (unsigned i = 0; i < order; ++i) product *= term[static_cast<size_t>(p[i])];
    if (p[order] != p[0]) product *= term[static_cast<size_t>(p[order])];
    sum += product;
  }
  return sum;
}

using ChiValues = std::array<std::array<double, 2>, kOrders>;  // [order - kLowestOrder][0: 'v', 1: 'n']

// chi of the orders asked for (the others stay 0). One enumeration per order: RDKit's enumeration
// of several lengths at once (findAllPathsOfLengthsMtoN) leaves out some ring-closing paths that
// its one-length enumeration, which calcChiNv uses, includes.
ChiValues chi_of_orders(const RDKit::ROMol& mol, const std::array<bool, kOrders>& wanted) {
  const AtomTerms terms = atom_terms(mol);
  ChiValues out{};
  for (unsigned order = kLowestOrder; order <= kHighestOrder; ++order) {
    if (!wanted[order - kLowestOrder]) continue;
    const RDKit::PATH_LIST paths = RDKit::findAllPathsOfLengthN(mol, order + 1, /*useBonds=*/false);
    out[order - kLowestOrder] = {chi(paths, terms.v, order), chi(paths, terms.n, order)};
  }
  return out;
}

struct ChiSlot {
  size_t slot;     // index in names
  unsigned order;  // the order whose value RDKit's Properties puts there
  int kind;        // 0: 'v', 1: 'n'
};

struct DescriptorSet {
  std::vector<std::string> names;
  RDKit::Descriptors::Properties others;  // every descriptor not computed here
  std::vector<size_t> other_slots;        // where each of others' values goes in names order
  std::vector<ChiSlot> chi_slots;
  std::array<bool, kOrders> orders_used{};

  // Which chi each of Properties' chi slots holds is read off a probe molecule whose chi values
  // differ by order: RDKit 2022.09 (Debian 12) registers calcChi3v and calcChi3n under chi2v and
  // chi2n, and a model trained with those values must get them again. Where the probe cannot tell,
  // Properties computes everything.
  static DescriptorSet make() {
    RDKit::Descriptors::Properties all;
    DescriptorSet set;
    set.names = all.getPropertyNames();
    const std::unique_ptr<RDKit::ROMol> probe(RDKit::SmilesToMol("CSc1ccc(N)cc1C(=O)OCC=C(C)C"));
    const std::vector<double> rdkit = all.computeProperties(*probe);
    const ChiValues ours = chi_of_orders(*probe, {true, true, true});
    auto same = [](double a, double b) { return std::abs(a - b) <= 1e-12 * std::max(1.0, std::abs(a)); };
    std::vector<std::string> other_names;
    for (size_t i = 0; i < set.names.size(); ++i) {
      const std::string& name = set.names[i];
      const bool chi_index = name.size() == 5 && name.rfind("chi", 0) == 0 && static_cast<unsigned>(name[3] - '0') >= kLowestOrder &&
                             static_cast<unsigned>(name[3] - '0') <= kHighestOrder && (name[4] == 'v' || name[4] == 'n');
      std::vector<unsigned> matches;
      const int kind = chi_index && name[4] == 'n' ? 1 : 0;
      for (unsigned order = kLowestOrder; chi_index && order <= kHighestOrder; ++order)
        if (same(rdkit[i], ours[order - kLowestOrder][static_cast<size_t>(kind)])) matches.push_back(order);
      if (matches.size() == 1) {
        set.chi_slots.push_back({i, matches[0], kind});
        set.orders_used[matches[0] - kLowestOrder] = true;
      } else {
        other_names.push_back(name);
        set.other_slots.push_back(i);
      }
    }
    set.others = RDKit::Descriptors::Properties(other_names);
    return set;
  }
};

const DescriptorSet& descriptor_set() {
  static const DescriptorSet set = DescriptorSet::make();
  return set;
}

}  // namespace

const std::vector<std::string>& rdkit_descriptor_names() { return descriptor_set().names; }

std::vector<double> rdkit_descriptors(const RDKit::ROMol& mol) {
  const DescriptorSet& set = descriptor_set();
  std::vector<double> values(set.names.size());
  const std::vector<double> others = set.others.computeProperties(mol);
  for (size_t i = 0; i < others.size(); ++i) values[set.other_slots[i]] = others[i];
  if (!set.chi_slots.empty()) {
    const ChiValues chi_values = chi_of_orders(mol, set.orders_used);
    for (const ChiSlot& c : set.chi_slots) values[c.slot] = chi_values[c.order - kLowestOrder][static_cast<size_t>(c.kind)];
  }
  return values;
}

}  // namespace tessera::molecule
