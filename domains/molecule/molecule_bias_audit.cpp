#include "domains/molecule/molecule_bias_audit.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>

#include "core/util/error.h"
#include "domains/molecule/chemistry.h"
#include "domains/molecule/property_task.h"

namespace tessera::molecule {
namespace {

std::string daltons(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

struct Chemistry {
  std::string weight, halogen, charge, scaffold;
};

// The `count` most common scaffolds (ties by name), each its own cluster.
std::map<std::string, std::string> scaffold_clusters(const std::vector<std::string>& scaffolds, int64_t count) {
  std::map<std::string, int64_t> counts;
  for (const std::string& s : scaffolds)
    if (!s.empty()) ++counts[s];
  std::vector<std::pair<std::string, int64_t>> ranked(counts.begin(), counts.end());
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::map<std::string, std::string> clusters;
  for (size_t i = 0; i < ranked.size() && static_cast<int64_t>(i) < count; ++i) clusters[ranked[i].first] = ranked[i].first;
  return clusters;
}

}  // namespace

std::string weight_bin(double weight, const std::vector<double>& edges) {
  if (weight < edges.front()) return "<" + daltons(edges.front()) + " Da";
  for (size_t i = 1; i < edges.size(); ++i)
    if (weight < edges[i]) return daltons(edges[i - 1]) + "-" + daltons(edges[i]) + " Da";
  return ">=" + daltons(edges.back()) + " Da";
}

domains::BiasAuditData molecule_bias_audit(const domains::ModelRun& run, config::Section section) {
  const LoadedMoleculeModel m = load_molecule_model(run.checkpoint, run.device);
  const std::string input = section.text("input", m.data.path);
  const std::string target = section.text("target", m.data.layout.targets.front());
  std::vector<double> edges = section.numbers("weight_bins", {250, 400, 550}, 0.0, 1e6);
  const int64_t clusters = section.integer("scaffold_clusters", 5, 1);
  const double threshold = section.number("threshold", 0.5, 0.0, 1.0);
  if (edges.empty()) section.fail("weight_bins", "names no bin edge");
  if (std::find(m.data.layout.targets.begin(), m.data.layout.targets.end(), target) == m.data.layout.targets.end())
    section.fail("target", "'" + target + "' is not a target of the model");
  section.finish();
  std::sort(edges.begin(), edges.end());
  const size_t k = static_cast<size_t>(
      std::find(m.data.layout.targets.begin(), m.data.layout.targets.end(), target) - m.data.layout.targets.begin());

  ExampleOptions options = m.spec.examples;
  options.scaffolds = true;
  const MoleculeSet set = load_molecule_set(input, m.data.layout, options, true);
  const Split split = split_molecule_set(set, m.data.split);
  if (split.test.empty()) throw DataError(input, "has " + std::to_string(set.examples.size()) + " usable molecules: too few to split");
  const Examples test = examples_of(set, split.test);
  const bool classification = m.data.classification;
  const std::vector<std::vector<double>> predicted = predict_properties(*m.model, test, m.normalization, classification, 64);

  std::vector<Chemistry> chemistry;
  std::vector<std::string> scaffolds;
  for (const MoleculeExample* e : test) {
    std::string error;
    const std::unique_ptr<Molecule> mol = Molecule::from_smiles(e->smiles, error);
    if (!mol) throw DataError(input, "line " + std::to_string(e->line) + ": " + error);
    chemistry.push_back({weight_bin(mol->molecular_weight(), edges), mol->has_halogen() ? "halogen" : "no halogen",
                         mol->has_charged_atom() ? "charged" : "neutral", e->scaffold});
    scaffolds.push_back(e->scaffold);
  }
  const std::map<std::string, std::string> named = scaffold_clusters(scaffolds, clusters);

  domains::BiasAuditData out;
  out.title = "Property predictions by chemistry: " + run.checkpoint;
  out.outcomes = eval::GroupedOutcomes(classification ? eval::OutcomeKind::classification : eval::OutcomeKind::regression,
                                       {"molecular_weight", "halogen", "charge", "scaffold"});
  int64_t scored = 0;
  for (size_t i = 0; i < test.size(); ++i) {
    const double y = test[i]->targets[k], p = predicted[i][k];
    if (std::isnan(y)) continue;  // a missing label is not an outcome
    const Chemistry& c = chemistry[i];
    const std::string cluster = c.scaffold.empty() ? "(acyclic)" : named.count(c.scaffold) ? c.scaffold : "other";
    out.outcomes.add({c.weight, c.halogen, c.charge, cluster},
                     classification ? eval::classification_outcome(y > 0.5, p >= threshold) : eval::regression_outcome(p, y));
    ++scored;
  }
  if (scored == 0) throw DataError(input, "no test molecule has a value of '" + target + "'");
  out.source = {{"input", input},
                {"target", target},
                {"split", m.data.split.kind},
                {"split_seed", m.data.split.seed},
                {"test_molecules", scored},
                {"weight_bins", edges},
                {"scaffold_clusters", clusters}};
  if (classification) out.source["threshold"] = threshold;
  out.notes = {
      classification ? "Decisions are predicted probability of class 1 >= " + daltons(threshold) + ", against the 0/1 label of " + target + "."
                     : "Errors are prediction minus target of " + target + ", in the target's units.",
      "The molecules are the test split of the model's data, recomputed from its training config (" + m.data.split.kind +
          ", seed " + std::to_string(m.data.split.seed) + "); each is one unit of the intervals.",
      "molecular_weight is RDKit's average molecular weight (MolWt, hydrogens included); halogen is any F, Cl, Br or I; "
      "charged is any atom with a nonzero formal charge; scaffold is the Bemis-Murcko scaffold, the " +
          std::to_string(clusters) + " most common among the test molecules by name, the rest 'other', acyclic molecules '(acyclic)'."};
  return out;
}

}  // namespace tessera::molecule
