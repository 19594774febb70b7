#include "domains/molecule/property_normalization.h"

#include <algorithm>
#include <cmath>

namespace tessera::molecule {

Standardization Standardization::fit(const std::vector<const std::vector<double>*>& rows, size_t columns) {
  Standardization s;
  s.mean.assign(columns, 0.0);
  s.stddev.assign(columns, 1.0);
  for (size_t c = 0; c < columns; ++c) {
    double sum = 0, squares = 0;
    int64_t count = 0;
    for (const std::vector<double>* row : rows) {
      const double v = (*row)[c];
      if (!std::isfinite(v)) continue;
      sum += v;
      squares += v * v;
      ++count;
    }
    if (count == 0) continue;
    const double mean = sum / static_cast<double>(count);
    const double variance = std::max(0.0, squares / static_cast<double>(count) - mean * mean);
    s.mean[c] = mean;
    s.stddev[c] = variance > 1e-12 ? std::sqrt(variance) : 1.0;
  }
  return s;
}

nlohmann::json Standardization::to_json() const { return {{"mean", mean}, {"stddev", stddev}}; }

Standardization Standardization::from_json(const nlohmann::json& j) {
  Standardization s;
  s.mean = j.at("mean").get<std::vector<double>>();
  s.stddev = j.at("stddev").get<std::vector<double>>();
  return s;
}

float PropertyNormalization::descriptor(size_t column, double value) const {
  if (!std::isfinite(value)) return 0.0f;
  return static_cast<float>(std::clamp(descriptors.apply(column, value), -kDescriptorClip, kDescriptorClip));
}

nlohmann::json PropertyNormalization::to_json() const {
  return {{"targets", targets.to_json()}, {"descriptors", descriptors.to_json()}};
}

PropertyNormalization PropertyNormalization::from_json(const nlohmann::json& j) {
  return {Standardization::from_json(j.at("targets")), Standardization::from_json(j.at("descriptors"))};
}

}  // namespace tessera::molecule
