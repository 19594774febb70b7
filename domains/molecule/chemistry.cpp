#include "domains/molecule/chemistry.h"

#include "core/util/one_line.h"
#include "domains/molecule/descriptor_set.h"

#include <GraphMol/ChemTransforms/ChemTransforms.h>
#include <GraphMol/Conformer.h>
#include <GraphMol/Descriptors/MolDescriptors.h>
#include <GraphMol/DistGeomHelpers/Embedder.h>
#include <GraphMol/Fingerprints/MorganFingerprints.h>
#include <GraphMol/GraphMol.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/SmilesParse/SmilesParse.h>
#include <GraphMol/SmilesParse/SmilesWrite.h>
#include <RDGeneral/RDLog.h>

#include <DataStructs/ExplicitBitVect.h>

#include <algorithm>
#include <mutex>

namespace tessera::molecule {
namespace {

int hybridization_index(RDKit::Atom::HybridizationType h) {
  switch (h) {
    case RDKit::Atom::S: return 0;
    case RDKit::Atom::SP: return 1;
    case RDKit::Atom::SP2: return 2;
    case RDKit::Atom::SP3: return 3;
    case RDKit::Atom::SP3D: return 4;
    default: return 5;
  }
}

graph::BondType bond_type(const RDKit::Bond& b) {
  if (b.getIsAromatic()) return graph::kAromaticBond;
  switch (b.getBondType()) {
    case RDKit::Bond::DOUBLE: return graph::kDouble;
    case RDKit::Bond::TRIPLE: return graph::kTriple;
    case RDKit::Bond::AROMATIC: return graph::kAromaticBond;
    default: return graph::kSingle;
  }
}

}  // namespace

void silence_rdkit_logs() {
  static std::once_flag once;
  std::call_once(once, [] { boost::logging::disable_logs("rdApp.*"); });
}

std::unique_ptr<Molecule> Molecule::from_smiles(const std::string& smiles, std::string& error) {
  silence_rdkit_logs();
  if (smiles.empty()) {
    error = "empty SMILES";
    return nullptr;
  }
  // RDKit stops reading at whitespace (what follows is a name in a .smi line) and at a NUL, and
  // skips bytes it cannot read: "CC O" or "CC<tab>O" would be predicted as ethane, "CéC" as
  // methane. SMILES is printable ASCII without spaces.
  for (const char c : smiles)
    if (c <= ' ' || c >= 127) {
      error = "invalid SMILES '" + one_line(smiles) + "': holds a space, a control character or a non-ASCII byte";
      return nullptr;
    }
  try {
    std::unique_ptr<RDKit::ROMol> mol(RDKit::SmilesToMol(smiles));
    if (mol && mol->getNumAtoms() > 0) return std::make_unique<Molecule>(std::move(mol));
    error = mol ? "SMILES '" + smiles + "' has no atoms" : "invalid SMILES '" + smiles + "'";
  } catch (const std::exception& e) {
    error = "invalid SMILES '" + smiles + "': " + e.what();
  }
  return nullptr;
}

int64_t smiles_atom_count(const std::string& smiles) {
  int64_t atoms = 0;
  for (size_t i = 0; i < smiles.size(); ++i) {
    const char c = smiles[i];
    if (c == '[') {  // a bracket atom, whatever its element, charge and hydrogens
      ++atoms;
      const size_t close = smiles.find(']', i);
      if (close == std::string::npos) break;
      i = close;
    } else if ((c >= 'A' && c <= 'Z') || c == 'b' || c == 'c' || c == 'n' || c == 'o' || c == 'p' || c == 's' ||
               c == '*') {
      ++atoms;  // organic subset and the wildcard; Cl and Br carry lowercase letters that are not atoms
    }
  }
  return atoms;
}

Molecule::Molecule(std::unique_ptr<RDKit::ROMol> mol) : mol_(std::move(mol)) {}
Molecule::~Molecule() = default;

int64_t Molecule::heavy_atoms() const { return static_cast<int64_t>(mol_->getNumHeavyAtoms()); }

std::string Molecule::smiles() const { return RDKit::MolToSmiles(*mol_); }

graph::MolecularGraph Molecule::graph() const {
  graph::MolecularGraph g;
  for (const RDKit::Atom* a : mol_->atoms()) {
    std::array<int, graph::kAtomFeatures> f{};
    const int z = static_cast<int>(a->getAtomicNum());
    f[graph::kElement] = z >= 1 && z <= 100 ? z : 0;
    f[graph::kDegree] = static_cast<int>(a->getDegree());
    f[graph::kFormalCharge] = std::clamp(a->getFormalCharge(), -2, 2) + 2;
    f[graph::kAromatic] = a->getIsAromatic() ? 1 : 0;
    f[graph::kHybridization] = hybridization_index(a->getHybridization());
    f[graph::kHydrogens] = static_cast<int>(a->getTotalNumHs());
    f[graph::kInRing] = mol_->getRingInfo()->numAtomRings(a->getIdx()) > 0 ? 1 : 0;
    g.atoms.push_back(f);
  }
  for (const RDKit::Bond* b : mol_->bonds())
    g.bonds.push_back({static_cast<int>(b->getBeginAtomIdx()), static_cast<int>(b->getEndAtomIdx()), bond_type(*b)});
  return g;
}

std::vector<float> Molecule::conformer_distances() const {
  // Seeded and single-threaded, so the same molecule always gets the same conformer. Random
  // starting coordinates (RDKit's default from 2024.03): with this RDKit's eigenvector start, chains
  // and peptides of 60 or more heavy atoms fail every try. RDKit's default of 10 tries per atom
  // makes a large molecule that will not embed cost minutes; one that fails within these tries has
  // no distances.
  constexpr int kSeed = 42;
  constexpr unsigned kMaxIterations = 50;
  try {
    // Hydrogens shape the geometry, so they are embedded too; addHs appends them after the
    // molecule's own atoms, whose indices (those of graph()) stay as they were.
    std::unique_ptr<RDKit::ROMol> with_hydrogens(RDKit::MolOps::addHs(*mol_));
    RDKit::DGeomHelpers::EmbedParameters params = RDKit::DGeomHelpers::ETKDGv3;
    params.randomSeed = kSeed;
    params.numThreads = 1;
    params.maxIterations = kMaxIterations;
    params.useRandomCoords = true;
    if (RDKit::DGeomHelpers::EmbedMolecule(*with_hydrogens, params) < 0) return {};
    const RDKit::Conformer& conformer = with_hydrogens->getConformer();
    const unsigned n = mol_->getNumAtoms();
    std::vector<float> distances(static_cast<size_t>(n) * n);
    for (unsigned i = 0; i < n; ++i)
      for (unsigned j = 0; j < n; ++j)
        distances[static_cast<size_t>(i) * n + j] =
            static_cast<float>((conformer.getAtomPos(i) - conformer.getAtomPos(j)).length());
    return distances;
  } catch (const std::exception&) {
    return {};
  }
}

std::vector<double> Molecule::descriptors() const { return rdkit_descriptors(*mol_); }

std::vector<float> Molecule::morgan_bits(unsigned radius, unsigned bits) const {
  std::unique_ptr<ExplicitBitVect> fp(RDKit::MorganFingerprints::getFingerprintAsBitVect(*mol_, radius, bits));
  std::vector<float> out(bits, 0.0f);
  for (unsigned i = 0; i < bits; ++i) out[i] = fp->getBit(i) ? 1.0f : 0.0f;
  return out;
}

std::string Molecule::scaffold() const {
  try {
    std::unique_ptr<RDKit::ROMol> core(RDKit::MurckoDecompose(*mol_));
    return core && core->getNumAtoms() > 0 ? RDKit::MolToSmiles(*core) : std::string();
  } catch (const std::exception&) {
    return "";
  }
}

double Molecule::molecular_weight() const { return RDKit::Descriptors::calcAMW(*mol_); }

bool Molecule::has_halogen() const {
  for (const RDKit::Atom* a : mol_->atoms()) {
    const unsigned z = a->getAtomicNum();
    if (z == 9 || z == 17 || z == 35 || z == 53) return true;
  }
  return false;
}

bool Molecule::has_charged_atom() const {
  for (const RDKit::Atom* a : mol_->atoms())
    if (a->getFormalCharge() != 0) return true;
  return false;
}

std::vector<std::string> descriptor_names() { return rdkit_descriptor_names(); }

}  // namespace tessera::molecule
