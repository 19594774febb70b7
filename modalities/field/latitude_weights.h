#pragma once
#include <vector>

namespace tessera::field {

// WeatherBench latitude weights: cos(latitude) divided by its mean over the given latitudes, so
// that the weights average to one and a weighted mean over a regular grid is an area mean.
std::vector<double> latitude_weights(const std::vector<double>& latitudes_degrees);

}  // namespace tessera::field
