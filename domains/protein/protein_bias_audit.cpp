#include "domains/protein/protein_bias_audit.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "core/util/error.h"
#include "domains/protein/model_evaluation.h"
#include "domains/protein/protein_model_spec.h"
#include "domains/protein/structure_prediction.h"
#include "domains/protein/structure_reader.h"
#include "domains/protein/structure_scoring.h"
#include "domains/protein/training_chains.h"

namespace tessera::protein {
namespace {

Point minus(const Point& a, const Point& b) { return {a[0] - b[0], a[1] - b[1], a[2] - b[2]}; }
Point cross(const Point& a, const Point& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
double dot(const Point& a, const Point& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
double distance(const Point& a, const Point& b) { return std::sqrt(dot(minus(a, b), minus(a, b))); }

// The dihedral angle a-b-c-d in degrees, (-180, 180], IUPAC sign (about +50 for the C-alphas of
// a right-handed alpha helix).
double torsion(const Point& a, const Point& b, const Point& c, const Point& d) {
  const Point b1 = minus(b, a), b2 = minus(c, b), b3 = minus(d, c);
  const double y = std::sqrt(dot(b2, b2)) * dot(b1, cross(b2, b3)), x = dot(cross(b1, b2), cross(b2, b3));
  return std::atan2(y, x) * 180.0 / M_PI;
}

std::string length_bin(size_t length, const std::vector<double>& edges) {
  char buf[64];
  const double L = static_cast<double>(length);
  if (L < edges.front()) {
    std::snprintf(buf, sizeof buf, "<%g", edges.front());
    return buf;
  }
  for (size_t i = 1; i < edges.size(); ++i)
    if (L < edges[i]) {
      std::snprintf(buf, sizeof buf, "%g-%g", edges[i - 1], edges[i]);
      return buf;
    }
  std::snprintf(buf, sizeof buf, ">=%g", edges.back());
  return buf;
}

}  // namespace

SecondaryStructure ca_secondary_structure(const ProteinChain& chain) {
  const size_t L = chain.size();
  auto ca = [&](size_t i) -> const Point& { return chain.atoms[i][kCA]; };
  auto window = [&](size_t i) {
    return chain.has(i, kCA) && chain.has(i + 1, kCA) && chain.has(i + 2, kCA) && chain.has(i + 3, kCA);
  };
  std::vector<char> helical_window(L, 0), state(L, '-');
  for (size_t i = 0; i + 3 < L; ++i) {
    if (!window(i)) continue;
    const double t = torsion(ca(i), ca(i + 1), ca(i + 2), ca(i + 3)), d3 = distance(ca(i), ca(i + 3));
    helical_window[i] = d3 >= 4.2 && d3 <= 5.6 && t >= 20 && t <= 80;
  }
  // A lone helical window is a turn; two overlapping ones (five residues) a helix.
  for (size_t i = 0; i + 3 < L; ++i)
    if (helical_window[i] && ((i + 1 < L && helical_window[i + 1]) || (i > 0 && helical_window[i - 1])))
      std::fill(state.begin() + static_cast<std::ptrdiff_t>(i), state.begin() + static_cast<std::ptrdiff_t>(i + 4), 'H');
  // Extended coil is common; a strand also has a C-alpha of another part of the chain beside it.
  std::vector<char> paired(L, 0);
  for (size_t i = 0; i < L; ++i)
    for (size_t j = i + 3; j < L; ++j)
      if (chain.has(i, kCA) && chain.has(j, kCA) && distance(ca(i), ca(j)) <= 5.5) paired[i] = paired[j] = 1;
  for (size_t i = 0; i + 3 < L; ++i) {
    if (!window(i)) continue;
    const double t = torsion(ca(i), ca(i + 1), ca(i + 2), ca(i + 3));
    if (distance(ca(i), ca(i + 2)) > 6.2 && distance(ca(i + 1), ca(i + 3)) > 6.2 && std::fabs(t) >= 120)
      for (size_t r : {i + 1, i + 2})
        if (state[r] != 'H' && paired[r]) state[r] = 'E';
  }
  size_t with_ca = 0, helix = 0, strand = 0;
  for (size_t i = 0; i < L; ++i) {
    if (!chain.has(i, kCA)) continue;
    ++with_ca;
    helix += state[i] == 'H';
    strand += state[i] == 'E';
  }
  if (with_ca == 0) return {};
  return {static_cast<double>(helix) / static_cast<double>(with_ca), static_cast<double>(strand) / static_cast<double>(with_ca)};
}

std::string secondary_structure_class(const SecondaryStructure& s) {
  if (s.helix >= 0.5) return "mostly helix";
  if (s.strand >= 0.3 && s.strand > s.helix) return "mostly strand";
  return "mixed";
}

domains::BiasAuditData protein_bias_audit(const domains::ModelRun& run, config::Section section) {
  const std::vector<std::string> inputs = section.texts("input", {});
  if (inputs.empty()) section.fail("input", "names no structure file or folder");
  const std::string split = section.choice("split", "test", {"train", "validation", "test", "all"});
  std::vector<double> edges = section.numbers("length_bins", {100, 200, 300}, 0.0, 1e6);
  if (edges.empty()) section.fail("length_bins", "names no bin edge");
  section.finish();
  std::sort(edges.begin(), edges.end());
  const LoadedProteinModel m = load_protein_model(run.checkpoint, run.device);
  std::set<std::string> wanted;
  if (split != "all" && m.split.contains(split))
    for (const auto& name : m.split.at(split)) wanted.insert(name.get<std::string>());

  StructureSet set;
  for (const std::string& input : inputs) {
    StructureSet more = read_structures(input);
    set.chains.insert(set.chains.end(), more.chains.begin(), more.chains.end());
    set.skipped.insert(set.skipped.end(), more.skipped.begin(), more.skipped.end());
  }
  std::vector<std::pair<std::string, std::string>> skipped = set.skipped;
  domains::BiasAuditData out;
  out.title = "Structure predictions by chain length, secondary structure and file: " + run.checkpoint;
  out.outcomes = eval::GroupedOutcomes(eval::OutcomeKind::regression, {"length", "secondary_structure", "source_file"});
  double lddt_sum = 0;
  for (const ProteinChain& chain : set.chains) {
    if (split != "all" && !wanted.count(chain.name)) continue;
    const std::string why = unusable_reason(chain);
    if (!why.empty()) {
      skipped.emplace_back(chain.source, why);
      continue;
    }
    const ChainPrediction p = predict_structure(*m.model, m.baseline, chain.name, chain.sequence);
    const double lddt = score_chain(model_chain(chain, p.ca), chain).lddt_ca;
    out.outcomes.add({length_bin(chain.size(), edges), secondary_structure_class(ca_secondary_structure(chain)),
                      structure_stem(chain.source)},
                     eval::regression_outcome(lddt, 1.0));
    lddt_sum += lddt;
  }
  report_skipped(skipped);
  if (out.outcomes.units() == 0)
    throw DataError(inputs.front(), split == "all" ? "no chain could be audited" : "holds no chain of the checkpoint's " + split + " split");
  const double chains = static_cast<double>(out.outcomes.units());
  out.source = {{"input", inputs}, {"split", split}, {"chains", out.outcomes.units()}, {"skipped", skipped.size()},
                {"length_bins", edges}, {"mean_lddt_ca", lddt_sum / chains}};
  out.notes = {
      "Each chain's score is its lDDT-C-alpha (0-1) against its reference, carried as prediction lDDT-CA against a "
      "perfect 1: mae is the mean lDDT shortfall 1 - lDDT-CA, bias = -mae (mean lDDT-CA = 1 + bias), rmse the root "
      "mean square shortfall. Lower mae and rmse are better.",
      "length is the number of residues; secondary_structure is the reference's class from C-alpha geometry (helix: "
      "two overlapping windows CA(i..i+3) with CA(i)-CA(i+3) 4.2-5.6 A and virtual torsion 20-80 deg; strand: "
      "CA(i)-CA(i+2) > 6.2 A with |torsion| >= 120 deg beside a C-alpha of another part of the chain within 5.5 A; "
      "mostly helix when helix >= 0.5 of residues, mostly strand when strand >= 0.3 and above helix, else mixed).",
      "Each chain is one unit of the intervals; source_file groups hold the chains of one file."};
  return out;
}

}  // namespace tessera::protein
