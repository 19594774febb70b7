#include "domains/protein/distance_lddt.h"

#include <cmath>
#include <limits>

namespace tessera::protein {

std::vector<double> distance_lddt(const std::vector<double>& predicted, const ProteinChain& reference, size_t start,
                                  int64_t length) {
  constexpr double kInclusionRadius = 15.0;
  constexpr double kThresholds[] = {0.5, 1.0, 2.0, 4.0};
  std::vector<double> score(length, std::numeric_limits<double>::quiet_NaN());
  for (int64_t i = 0; i < length; ++i) {
    if (!reference.has(start + i, kCA)) continue;
    const Point& a = reference.atoms[start + i][kCA];
    double preserved = 0;
    int64_t pairs = 0;
    for (int64_t j = 0; j < length; ++j) {
      if (j == i || !reference.has(start + j, kCA)) continue;
      const Point& b = reference.atoms[start + j][kCA];
      const double d = std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
      if (d >= kInclusionRadius) continue;
      const double error = std::fabs(predicted[i * length + j] - d);
      for (double t : kThresholds) preserved += error < t ? 0.25 : 0.0;
      ++pairs;
    }
    if (pairs > 0) score[i] = preserved / static_cast<double>(pairs);
  }
  return score;
}

}  // namespace tessera::protein
