#pragma once
// A trained model scored on the test split of its data beside the baselines fitted on the same
// training split: the training mean, and ridge regression (penalty chosen on the validation split)
// on Morgan fingerprints (radius 2, 2048 bits) and on normalized RDKit descriptors.
#include <nlohmann/json.hpp>
#include <string>

#include "domains/molecule/molecule_model_spec.h"
#include "domains/molecule/molecule_split.h"
#include "eval/baseline_comparison.h"

namespace tessera::molecule {

struct MoleculeBenchmark {
  nlohmann::ordered_json model, baselines;  // each: lower-case metric name -> mean over targets
  // target -> {"model": scores, "mean": scores, ...}; scores null where the test split has none
  nlohmann::ordered_json per_target;
  size_t train = 0, validation = 0, test = 0;
};

// `set` must hold descriptors (ExampleOptions::descriptors).
MoleculeBenchmark benchmark_molecules(const LoadedMoleculeModel& m, const MoleculeSet& set, const Split& split);

// Every metric of the model beside each baseline's (RMSE and MAE lower is better; R2, Spearman,
// ROC-AUC and PR-AUC higher).
std::vector<eval::MetricComparison> benchmark_comparison(const MoleculeBenchmark& b);

// The scores as a table for people.
std::string format_benchmark(const MoleculeBenchmark& b);

}  // namespace tessera::molecule
