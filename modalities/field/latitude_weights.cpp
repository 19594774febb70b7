#include "modalities/field/latitude_weights.h"

#include <cmath>

#include "core/util/error.h"

namespace tessera::field {

std::vector<double> latitude_weights(const std::vector<double>& latitudes_degrees) {
  TESSERA_CHECK(!latitudes_degrees.empty(), "latitude_weights: no latitudes");
  std::vector<double> w;
  double total = 0;
  for (double lat : latitudes_degrees) {
    w.push_back(std::max(0.0, std::cos(lat * M_PI / 180.0)));
    total += w.back();
  }
  TESSERA_CHECK(total > 0, "latitude_weights: every latitude is a pole");
  for (double& x : w) x *= static_cast<double>(w.size()) / total;
  return w;
}

}  // namespace tessera::field
