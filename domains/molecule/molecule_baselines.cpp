#include "domains/molecule/molecule_baselines.h"

#include <cmath>
#include <cstdio>

#include "domains/molecule/chemistry.h"
#include "domains/molecule/property_batches.h"
#include "domains/molecule/property_task.h"
#include "eval/molecule/property_metrics.h"
#include "eval/molecule/ridge_regression.h"

namespace tessera::molecule {
namespace {

using Predictions = std::vector<std::vector<double>>;  // [example][target]

std::vector<std::string> metric_names(bool classification) {
  return classification ? std::vector<std::string>{"roc_auc", "pr_auc"}
                        : std::vector<std::string>{"rmse", "mae", "r2", "spearman"};
}

// Each target's scores on the test examples where it is present; null for a target the test split
// has no value of.
nlohmann::ordered_json score_targets(const Examples& test, const Predictions& predicted, bool classification,
                                     const std::vector<std::string>& targets) {
  nlohmann::ordered_json per_target;
  for (size_t k = 0; k < targets.size(); ++k) {
    std::vector<double> truth, guess;
    for (size_t i = 0; i < test.size(); ++i)
      if (!std::isnan(test[i]->targets[k])) {
        truth.push_back(test[i]->targets[k]);
        guess.push_back(predicted[i][k]);
      }
    nlohmann::ordered_json& j = per_target[targets[k]];
    if (truth.empty()) continue;  // stays null
    if (classification) {
      std::vector<int> labels;
      for (double t : truth) labels.push_back(t > 0.5 ? 1 : 0);
      const eval::ClassificationScores s = eval::classification_scores(labels, guess);
      // A test split holding one class of a target leaves both undefined (null).
      j = {{"roc_auc", eval::number_or_null(s.roc_auc)}, {"pr_auc", eval::number_or_null(s.pr_auc)}};
    } else {
      const eval::RegressionScores s = eval::regression_scores(truth, guess);
      j = {{"rmse", s.rmse}, {"mae", s.mae}, {"r2", eval::number_or_null(s.r2)}, {"spearman", eval::number_or_null(s.spearman)}};
    }
  }
  return per_target;
}

// The mean of each metric over the targets where it is defined (null where it is for none).
nlohmann::ordered_json mean_over_targets(const nlohmann::ordered_json& per_target, bool classification) {
  nlohmann::ordered_json mean;
  for (const std::string& metric : metric_names(classification)) {
    double sum = 0.0;
    size_t scored = 0;
    for (const auto& [target, scores] : per_target.items())
      if (!scores.is_null() && scores.at(metric).is_number()) {
        sum += scores.at(metric).get<double>();
        ++scored;
      }
    mean[metric] = scored ? nlohmann::ordered_json(sum / static_cast<double>(scored)) : nlohmann::ordered_json(nullptr);
  }
  return mean;
}

using Featurize = std::function<std::vector<double>(const MoleculeExample&)>;

// Ridge per target on the features of `featurize`, fitted where the target is present.
Predictions ridge_predictions(const Examples& train, const Examples& validation, const Examples& test,
                              const Featurize& featurize) {
  auto rows_of = [&](const Examples& examples) {
    eval::FeatureRows rows;
    for (const MoleculeExample* e : examples) rows.push_back(featurize(*e));
    return rows;
  };
  const eval::FeatureRows train_rows = rows_of(train), validation_rows = rows_of(validation), test_rows = rows_of(test);
  const size_t K = train.front()->targets.size();
  Predictions out(test.size(), std::vector<double>(K, 0.0));
  for (size_t k = 0; k < K; ++k) {
    auto present = [&](const Examples& examples, const eval::FeatureRows& rows, eval::FeatureRows& x, std::vector<double>& y) {
      for (size_t i = 0; i < examples.size(); ++i)
        if (!std::isnan(examples[i]->targets[k])) {
          x.push_back(rows[i]);
          y.push_back(examples[i]->targets[k]);
        }
    };
    eval::FeatureRows x, vx;
    std::vector<double> y, vy;
    present(train, train_rows, x, y);
    present(validation, validation_rows, vx, vy);
    const eval::RidgeRegression r = eval::RidgeRegression::fit(x, y, vx, vy, eval::default_ridge_penalties());
    for (size_t i = 0; i < test.size(); ++i) out[i][k] = r.predict(test_rows[i]);
  }
  return out;
}

}  // namespace

MoleculeBenchmark benchmark_molecules(const LoadedMoleculeModel& m, const MoleculeSet& set, const Split& split) {
  const Examples train = examples_of(set, split.train), validation = examples_of(set, split.validation),
                 test = examples_of(set, split.test);
  const bool classification = m.data.classification;
  MoleculeBenchmark b;
  b.train = train.size();
  b.validation = validation.size();
  b.test = test.size();
  const std::vector<std::string>& targets = m.data.layout.targets;
  // Per target, then averaged into `model` and `baselines`.
  auto record = [&](const std::string& name, const Predictions& predicted) {
    nlohmann::ordered_json per_target = score_targets(test, predicted, classification, targets);
    (name == "model" ? b.model : b.baselines[name]) = mean_over_targets(per_target, classification);
    for (const auto& [target, scores] : per_target.items()) b.per_target[target][name] = scores;
  };
  record("model", predict_properties(*m.model, test, m.normalization, classification, 64));

  const PropertyNormalization fitted = fit_normalization(set, split.train, classification);
  const size_t K = train.front()->targets.size();
  Predictions mean(test.size(), std::vector<double>(K));
  for (auto& row : mean)
    for (size_t k = 0; k < K; ++k) row[k] = fitted.targets.mean[k];
  if (classification) {  // the training rate of class 1
    const PropertyNormalization rates = fit_normalization(set, split.train, false);
    for (auto& row : mean)
      for (size_t k = 0; k < K; ++k) row[k] = rates.targets.mean[k];
  }
  record("mean", mean);
  record("ridge_morgan", ridge_predictions(train, validation, test, [](const MoleculeExample& e) {
    std::string error;
    const std::unique_ptr<Molecule> mol = Molecule::from_smiles(e.smiles, error);
    const std::vector<float> bits = mol ? mol->morgan_bits(2, 2048) : std::vector<float>(2048, 0.0f);
    return std::vector<double>(bits.begin(), bits.end());
  }));
  record("ridge_descriptors", ridge_predictions(train, validation, test, [&](const MoleculeExample& e) {
    std::vector<double> row(e.descriptors.size());
    for (size_t i = 0; i < row.size(); ++i) row[i] = fitted.descriptor(i, e.descriptors[i]);
    return row;
  }));
  return b;
}

std::vector<eval::MetricComparison> benchmark_comparison(const MoleculeBenchmark& b) {
  std::vector<eval::MetricComparison> out;
  for (auto it = b.model.begin(); it != b.model.end(); ++it) {
    eval::MetricComparison c;
    c.metric = it.key();
    c.better = c.metric == "rmse" || c.metric == "mae" ? eval::Better::lower : eval::Better::higher;
    c.model = eval::number_or_nan(it.value());
    for (auto baseline = b.baselines.begin(); baseline != b.baselines.end(); ++baseline)
      c.baselines.emplace_back(baseline.key(), eval::number_or_nan(baseline.value().at(c.metric)));
    out.push_back(std::move(c));
  }
  return out;
}

std::string format_benchmark(const MoleculeBenchmark& b) {
  std::string out;
  char line[200];
  std::snprintf(line, sizeof line, "test split: %zu molecules (baselines fitted on %zu, penalty chosen on %zu)\n", b.test,
                b.train, b.validation);
  out += line;
  std::snprintf(line, sizeof line, "%-20s", "");
  out += line;
  for (auto it = b.model.begin(); it != b.model.end(); ++it) {
    std::snprintf(line, sizeof line, "%10s", it.key().c_str());
    out += line;
  }
  out += "\n";
  auto row = [&](const std::string& name, const nlohmann::ordered_json& scores) {
    std::snprintf(line, sizeof line, "%-20s", name.c_str());
    out += line;
    for (auto it = scores.begin(); it != scores.end(); ++it) {
      if (it.value().is_number()) std::snprintf(line, sizeof line, "%10.4f", it.value().get<double>());
      else std::snprintf(line, sizeof line, "%10s", "undefined");
      out += line;
    }
    out += "\n";
  };
  row("model", b.model);
  for (auto it = b.baselines.begin(); it != b.baselines.end(); ++it) row(it.key(), it.value());
  return out;
}

}  // namespace tessera::molecule
