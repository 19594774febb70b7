#include "governance/bias/bootstrap.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/util/rng.h"

namespace tessera::bias {
namespace {

// FNV-1a: a stream id that is the same on every platform and build.
uint64_t stream_id(const std::string& name) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : name) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

}  // namespace

double quantile_of_sorted(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double position = q * static_cast<double>(sorted.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, sorted.size() - 1);
  const double w = position - static_cast<double>(below);
  return sorted[below] + w * (sorted[above] - sorted[below]);
}

std::vector<Interval> bootstrap_intervals(eval::OutcomeKind kind, const std::vector<const eval::OutcomeSums*>& units,
                                          int64_t replicates, double confidence, uint64_t seed,
                                          const std::string& stream) {
  const size_t metrics = eval::metric_names(kind).size();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<Interval> intervals(metrics, {nan, nan});
  if (replicates <= 0 || units.empty()) return intervals;
  std::vector<std::vector<double>> draws(metrics);
  Generator rng(splitmix64(seed) ^ stream_id(stream));
  const uint64_t n = units.size();
  for (int64_t r = 0; r < replicates; ++r) {
    eval::OutcomeSums total{};
    for (uint64_t i = 0; i < n; ++i) eval::add_to(total, *units[rng.below(n)]);
    const std::vector<double> values = eval::metric_values(kind, total);
    for (size_t m = 0; m < metrics; ++m)
      if (std::isfinite(values[m])) draws[m].push_back(values[m]);
  }
  const double tail = (1.0 - confidence) / 2.0;
  for (size_t m = 0; m < metrics; ++m) {
    // A metric undefined in most replicates (a group with almost no positives) has no interval.
    if (draws[m].size() * 2 < static_cast<size_t>(replicates)) continue;
    std::sort(draws[m].begin(), draws[m].end());
    intervals[m] = {quantile_of_sorted(draws[m], tail), quantile_of_sorted(draws[m], 1.0 - tail)};
  }
  return intervals;
}

}  // namespace tessera::bias
