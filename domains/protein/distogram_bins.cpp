#include "domains/protein/distogram_bins.h"

#include <algorithm>
#include <cmath>

namespace tessera::protein {

int64_t distance_bin(double distance) {
  if (distance < kFirstEdge) return 0;
  const auto above = static_cast<int64_t>(std::floor((distance - kFirstEdge) / kBinWidth)) + 1;
  return std::min<int64_t>(above, kDistogramBins - 1);
}

double bin_center(int64_t bin) { return kFirstEdge + (static_cast<double>(bin) - 0.5) * kBinWidth; }

double expected_distance(const float* probabilities) {
  double d = 0;
  for (int64_t b = 0; b < kDistogramBins; ++b) d += probabilities[b] * bin_center(b);
  return d;
}

double contact_probability(const float* probabilities) {
  const int64_t straddling = distance_bin(kContactDistance);
  double p = 0;
  for (int64_t b = 0; b < straddling; ++b) p += probabilities[b];
  const double lower_edge = kFirstEdge + static_cast<double>(straddling - 1) * kBinWidth;
  return p + probabilities[straddling] * (kContactDistance - lower_edge) / kBinWidth;
}

}  // namespace tessera::protein
