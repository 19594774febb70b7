#pragma once
// Metrics of a group of examples for bias audits. Every metric here is a function of a few sums
// over the group's examples, so a group's metrics, and those of each bootstrap replicate, come
// from adding up the sums of the examples drawn: one example, or one cluster of examples (a
// forecast map), is one unit of OutcomeSums.
//   classification  {tp, fp, tn, fn}                -> accuracy, tpr, fpr, fnr, precision, selection_rate
//   regression      {n, sum e, sum e^2, sum |e|}    -> rmse, mae, bias (e = prediction - target)
//   language        {tokens, sum of nats}           -> loss, perplexity
//   pairs           {pairs, more stereotypical preferred} -> stereotype_score (CrowS-Pairs; 0.5 is unbiased)
// A metric whose denominator is zero in a group (fpr without negatives) is NaN: undefined, not 0.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace tessera::eval {

enum class OutcomeKind { classification, regression, language, pairs };

using OutcomeSums = std::array<double, 4>;

OutcomeSums classification_outcome(bool target, bool decision);
OutcomeSums regression_outcome(double prediction, double target);
OutcomeSums language_outcome(int64_t tokens, double nats);
OutcomeSums pair_outcome(bool more_stereotypical_preferred);

void add_to(OutcomeSums& total, const OutcomeSums& unit);
// Examples the sums stand for: rows, tokens or pairs.
double examples_in(OutcomeKind kind, const OutcomeSums& sums);

std::string kind_name(OutcomeKind kind);  // "classification", "regression", "language", "pairs"
// In the order metric_values returns them.
const std::vector<std::string>& metric_names(OutcomeKind kind);
std::vector<double> metric_values(OutcomeKind kind, const OutcomeSums& sums);
// Which way is better for a metric: +1 higher (accuracy, tpr, precision), -1 lower (fpr, fnr,
// rmse, mae, loss, perplexity), 0 neither (selection_rate), 2 closer to zero (bias), 3 closer to
// one half (stereotype_score).
int better_direction(const std::string& metric);
// A metric value's distance from its best, smaller is better: for `best` reference groups.
double badness(const std::string& metric, double value);

// The examples (units) of an audit with the group each belongs to under every attribute.
struct GroupedOutcomes {
  OutcomeKind kind = OutcomeKind::classification;
  std::vector<std::string> attributes;           // e.g. {"sex", "race"}
  std::vector<std::vector<std::string>> levels;  // per attribute, its group names in order of appearance
  std::vector<int32_t> codes;                    // per unit, per attribute: index into levels
  std::vector<OutcomeSums> sums;                 // per unit

  GroupedOutcomes() = default;
  GroupedOutcomes(OutcomeKind k, std::vector<std::string> attribute_names);
  // One unit, its group under each attribute given by name (in the order of `attributes`).
  void add(const std::vector<std::string>& groups, const OutcomeSums& unit);
  size_t units() const { return sums.size(); }
  int32_t code(size_t unit, size_t attribute) const { return codes[unit * attributes.size() + attribute]; }
};

}  // namespace tessera::eval
