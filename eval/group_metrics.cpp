#include "eval/group_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace tessera::eval {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double ratio(double numerator, double denominator) { return denominator > 0 ? numerator / denominator : kNaN; }

}  // namespace

OutcomeSums classification_outcome(bool target, bool decision) {
  return {double(target && decision), double(!target && decision), double(!target && !decision),
          double(target && !decision)};
}

OutcomeSums regression_outcome(double prediction, double target) {
  const double e = prediction - target;
  return {1.0, e, e * e, std::fabs(e)};
}

OutcomeSums language_outcome(int64_t tokens, double nats) { return {double(tokens), nats, 0.0, 0.0}; }

OutcomeSums pair_outcome(bool more_stereotypical_preferred) {
  return {1.0, double(more_stereotypical_preferred), 0.0, 0.0};
}

void add_to(OutcomeSums& total, const OutcomeSums& unit) {
  for (size_t i = 0; i < total.size(); ++i) total[i] += unit[i];
}

double examples_in(OutcomeKind kind, const OutcomeSums& s) {
  return kind == OutcomeKind::classification ? s[0] + s[1] + s[2] + s[3] : s[0];
}

std::string kind_name(OutcomeKind kind) {
  switch (kind) {
    case OutcomeKind::classification: return "classification";
    case OutcomeKind::regression: return "regression";
    case OutcomeKind::language: return "language";
    case OutcomeKind::pairs: return "pairs";
  }
  return "";
}

const std::vector<std::string>& metric_names(OutcomeKind kind) {
  static const std::vector<std::string> classification = {"accuracy", "tpr", "fpr", "fnr", "precision", "selection_rate"};
  static const std::vector<std::string> regression = {"rmse", "mae", "bias"};
  static const std::vector<std::string> language = {"loss", "perplexity"};
  static const std::vector<std::string> pairs = {"stereotype_score"};
  switch (kind) {
    case OutcomeKind::classification: return classification;
    case OutcomeKind::regression: return regression;
    case OutcomeKind::language: return language;
    case OutcomeKind::pairs: return pairs;
  }
  return pairs;
}

std::vector<double> metric_values(OutcomeKind kind, const OutcomeSums& s) {
  switch (kind) {
    case OutcomeKind::classification: {
      const double tp = s[0], fp = s[1], tn = s[2], fn = s[3], n = tp + fp + tn + fn;
      return {ratio(tp + tn, n), ratio(tp, tp + fn), ratio(fp, fp + tn), ratio(fn, tp + fn), ratio(tp, tp + fp),
              ratio(tp + fp, n)};
    }
    case OutcomeKind::regression: {
      const double mse = ratio(s[2], s[0]);
      return {std::sqrt(mse), ratio(s[3], s[0]), ratio(s[1], s[0])};
    }
    case OutcomeKind::language: {
      const double loss = ratio(s[1], s[0]);
      return {loss, std::exp(loss)};
    }
    case OutcomeKind::pairs: return {ratio(s[1], s[0])};
  }
  return {};
}

int better_direction(const std::string& metric) {
  if (metric == "accuracy" || metric == "tpr" || metric == "precision") return 1;
  if (metric == "selection_rate") return 0;
  if (metric == "bias") return 2;
  if (metric == "stereotype_score") return 3;
  return -1;
}

double badness(const std::string& metric, double value) {
  switch (better_direction(metric)) {
    case 1: return -value;
    case 2: return std::fabs(value);
    case 3: return std::fabs(value - 0.5);
    case 0: return -value;  // no better way: the highest rate is the reference
    default: return value;
  }
}

GroupedOutcomes::GroupedOutcomes(OutcomeKind k, std::vector<std::string> attribute_names)
    : kind(k), attributes(std::move(attribute_names)), levels(attributes.size()) {}

void GroupedOutcomes::add(const std::vector<std::string>& groups, const OutcomeSums& unit) {
  if (groups.size() != attributes.size()) throw std::logic_error("GroupedOutcomes::add: one group per attribute");
  for (size_t a = 0; a < groups.size(); ++a) {
    auto& names = levels[a];
    auto it = std::find(names.begin(), names.end(), groups[a]);
    if (it == names.end()) it = names.insert(names.end(), groups[a]);
    codes.push_back(static_cast<int32_t>(it - names.begin()));
  }
  sums.push_back(unit);
}

}  // namespace tessera::eval
