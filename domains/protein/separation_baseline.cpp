#include "domains/protein/separation_baseline.h"

#include <algorithm>
#include <cmath>

namespace tessera::protein {

SeparationBaseline SeparationBaseline::fit(const std::vector<const ProteinChain*>& chains) {
  // Separations with fewer pairs than this are too noisy to keep; the last kept mean holds beyond.
  constexpr int64_t kMinPairs = 20;
  std::vector<double> sum, count;
  for (const ProteinChain* chain : chains) {
    const size_t L = chain->size();
    if (sum.size() < L) sum.resize(L, 0.0), count.resize(L, 0.0);
    for (size_t i = 0; i < L; ++i) {
      if (!chain->has(i, kCB)) continue;
      for (size_t j = i + 1; j < L; ++j) {
        if (!chain->has(j, kCB)) continue;
        const Point& a = chain->atoms[i][kCB];
        const Point& b = chain->atoms[j][kCB];
        sum[j - i] += std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
        count[j - i] += 1;
      }
    }
  }
  SeparationBaseline b;
  b.mean_distance_.push_back(0.0);
  for (size_t s = 1; s < sum.size() && count[s] >= kMinPairs; ++s) b.mean_distance_.push_back(sum[s] / count[s]);
  return b;
}

double SeparationBaseline::distance(int64_t separation) const {
  if (separation <= 0) return 0.0;
  if (mean_distance_.size() < 2) return 3.8 * static_cast<double>(separation);  // nothing fitted: a stretched chain
  return mean_distance_[std::min<size_t>(static_cast<size_t>(separation), mean_distance_.size() - 1)];
}

std::vector<double> SeparationBaseline::distances(int64_t length) const {
  std::vector<double> d(length * length);
  for (int64_t i = 0; i < length; ++i)
    for (int64_t j = 0; j < length; ++j) d[i * length + j] = distance(std::abs(i - j));
  return d;
}

SeparationBaseline SeparationBaseline::from_json(const nlohmann::json& j) {
  SeparationBaseline b;
  b.mean_distance_ = j.get<std::vector<double>>();
  return b;
}

}  // namespace tessera::protein
