#include "eval/protein/contact_precision.h"

#include <algorithm>
#include <cmath>

#include "core/util/error.h"

namespace tessera::eval {
namespace {

struct RankedPair {
  double probability;
  bool contact;
};

RangePrecision range_precision(const std::vector<double>& probability, const std::vector<Vec3>& cbeta,
                               size_t min_separation, size_t max_separation) {
  const size_t n = cbeta.size();
  std::vector<RankedPair> pairs;
  for (size_t i = 0; i < n; ++i) {
    if (std::isnan(cbeta[i][0])) continue;
    for (size_t j = i + min_separation; j < n && j - i <= max_separation; ++j) {
      if (std::isnan(cbeta[j][0])) continue;
      const double p = probability[i * n + j];
      pairs.push_back({std::isnan(p) ? -1.0 : p, distance(cbeta[i], cbeta[j]) < kContactDistance});
    }
  }
  const double nan = std::nan("");
  if (pairs.empty()) return {nan, nan, nan};
  std::sort(pairs.begin(), pairs.end(), [](const RankedPair& a, const RankedPair& b) { return a.probability > b.probability; });
  // Pairs of equal probability are one group, and a group the cut at k passes through counts
  // its share of contacts (McSherry & Najork's tie-aware precision, the mean over every order of
  // the group). Breaking ties by chain order instead credited a map that ties, such as the
  // separation baseline's, with where contacts sit along the chain, which it does not know.
  auto precision_of_top = [&](size_t k) {
    k = std::min(std::max<size_t>(k, 1), pairs.size());
    double hits = 0;
    for (size_t begin = 0; begin < k;) {
      size_t end = begin, contacts = 0;
      for (; end < pairs.size() && pairs[end].probability == pairs[begin].probability; ++end) contacts += pairs[end].contact;
      const size_t taken = std::min(end, k) - begin;
      hits += static_cast<double>(contacts) * static_cast<double>(taken) / static_cast<double>(end - begin);
      begin = end;
    }
    return hits / static_cast<double>(k);
  };
  return {precision_of_top(n), precision_of_top(n / 2), precision_of_top(n / 5)};
}

}  // namespace

ContactPrecision contact_precision(const std::vector<double>& probability, const std::vector<Vec3>& cbeta) {
  const size_t n = cbeta.size();
  TESSERA_CHECK(probability.size() == n * n, "contact_precision: the probability map is not L x L");
  ContactPrecision result;
  result.short_range = range_precision(probability, cbeta, 6, 11);
  result.medium_range = range_precision(probability, cbeta, 12, 23);
  result.long_range = range_precision(probability, cbeta, 24, n);
  return result;
}

}  // namespace tessera::eval
