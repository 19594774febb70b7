#include "eval/molecule/property_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace tessera::eval {
namespace {

std::vector<size_t> order_by(const std::vector<double>& values, bool descending) {
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return descending ? values[a] > values[b] : values[a] < values[b]; });
  return order;
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = static_cast<double>(a.size());
  const double ma = std::accumulate(a.begin(), a.end(), 0.0) / n, mb = std::accumulate(b.begin(), b.end(), 0.0) / n;
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

std::vector<double> average_ranks(const std::vector<double>& values) {
  const std::vector<size_t> order = order_by(values, false);
  std::vector<double> ranks(values.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && values[order[j + 1]] == values[order[i]]) ++j;
    const double rank = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
    for (size_t k = i; k <= j; ++k) ranks[order[k]] = rank;
    i = j + 1;
  }
  return ranks;
}

double spearman(const std::vector<double>& a, const std::vector<double>& b) {
  return pearson(average_ranks(a), average_ranks(b));
}

RegressionScores regression_scores(const std::vector<double>& truth, const std::vector<double>& predicted) {
  RegressionScores s;
  if (truth.empty()) return s;
  const double n = static_cast<double>(truth.size());
  const double mean = std::accumulate(truth.begin(), truth.end(), 0.0) / n;
  double squares = 0, absolute = 0, total = 0;
  for (size_t i = 0; i < truth.size(); ++i) {
    const double e = predicted[i] - truth[i];
    squares += e * e;
    absolute += std::abs(e);
    total += (truth[i] - mean) * (truth[i] - mean);
  }
  s.rmse = std::sqrt(squares / n);
  s.mae = absolute / n;
  s.r2 = total > 0 ? 1.0 - squares / total : std::numeric_limits<double>::quiet_NaN();
  s.spearman = spearman(truth, predicted);
  return s;
}

double roc_auc(const std::vector<int>& labels, const std::vector<double>& scores) {
  const std::vector<double> ranks = average_ranks(scores);
  double positive_rank_sum = 0, positives = 0;
  for (size_t i = 0; i < labels.size(); ++i)
    if (labels[i] == 1) {
      positive_rank_sum += ranks[i];
      ++positives;
    }
  const double negatives = static_cast<double>(labels.size()) - positives;
  if (positives == 0 || negatives == 0) return std::numeric_limits<double>::quiet_NaN();
  return (positive_rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives);
}

double pr_auc(const std::vector<int>& labels, const std::vector<double>& scores) {
  const double positives = static_cast<double>(std::count(labels.begin(), labels.end(), 1));
  if (positives == 0) return std::numeric_limits<double>::quiet_NaN();
  const std::vector<size_t> order = order_by(scores, true);
  double true_positives = 0, seen = 0, recall = 0, area = 0;
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    for (; j < order.size() && scores[order[j]] == scores[order[i]]; ++j) {
      true_positives += labels[order[j]] == 1;
      ++seen;
    }
    const double new_recall = true_positives / positives;
    area += (new_recall - recall) * (true_positives / seen);
    recall = new_recall;
    i = j;
  }
  return area;
}

ClassificationScores classification_scores(const std::vector<int>& labels, const std::vector<double>& scores) {
  return {roc_auc(labels, scores), pr_auc(labels, scores)};
}

}  // namespace tessera::eval
