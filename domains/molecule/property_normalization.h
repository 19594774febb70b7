#pragma once
// Statistics fitted on the training split and stored in the checkpoint: the mean and standard
// deviation of each regression target (the model predicts standardized values) and of each RDKit
// descriptor (normalized, then clipped, before they join the readout).
#include <nlohmann/json.hpp>
#include <vector>

namespace tessera::molecule {

struct Standardization {
  std::vector<double> mean, stddev;

  // Per column of `rows` (NaN and infinities left out; a constant column gets deviation 1).
  static Standardization fit(const std::vector<const std::vector<double>*>& rows, size_t columns);
  double apply(size_t column, double value) const { return (value - mean[column]) / stddev[column]; }
  double invert(size_t column, double value) const { return value * stddev[column] + mean[column]; }
  nlohmann::json to_json() const;
  static Standardization from_json(const nlohmann::json& j);
};

struct PropertyNormalization {
  Standardization targets;      // identity (0, 1) for classification
  Standardization descriptors;  // empty when the model takes no descriptors
  static constexpr double kDescriptorClip = 5.0;
  // The normalized, clipped value of descriptor `column` (0 for a value RDKit could not compute).
  float descriptor(size_t column, double value) const;
  nlohmann::json to_json() const;
  static PropertyNormalization from_json(const nlohmann::json& j);
};

}  // namespace tessera::molecule
