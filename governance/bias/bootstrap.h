#pragma once
// Seeded percentile bootstrap of a group's metrics: resample the group's units with replacement,
// recompute every metric from the summed outcomes, and take the (1-c)/2 and (1+c)/2 quantiles of
// the replicates (linear interpolation between order statistics, as numpy's default).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "eval/group_metrics.h"

namespace tessera::bias {

using Interval = std::pair<double, double>;  // NaN, NaN: none (no replicates, or the metric undefined)

// One interval per metric_names(kind). `stream` names the group, so every group draws its own
// stream from `seed` whatever the order the groups are audited in.
std::vector<Interval> bootstrap_intervals(eval::OutcomeKind kind, const std::vector<const eval::OutcomeSums*>& units,
                                          int64_t replicates, double confidence, uint64_t seed,
                                          const std::string& stream);

// The q-quantile of sorted values, linear between order statistics.
double quantile_of_sorted(const std::vector<double>& sorted, double q);

}  // namespace tessera::bias
