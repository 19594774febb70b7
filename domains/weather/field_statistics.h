#pragma once
// What a weather model keeps from its training split, stored in every checkpoint: per-channel
// normalization and the climatology that the climatology baseline and ACC anomalies use.
#include <nlohmann/json.hpp>
#include <vector>

#include "core/tensor/tensor.h"
#include "domains/weather/field_dataset.h"

namespace tessera::weather {

// Per channel mean and standard deviation over every valid (non-NaN) value of the given times.
struct ChannelNormalization {
  std::vector<double> mean, stddev;

  // Throws DataError naming `source` when a channel has no valid value in those times.
  static ChannelNormalization fit(const FieldDataset& data, const std::vector<int64_t>& times, const std::string& source);
  // The fields at `times` as [B, C, lats, lons], normalized; NaN becomes 0 (the channel mean).
  Tensor normalize(const FieldDataset& data, const std::vector<int64_t>& times) const;
  // Physical value of a normalized one.
  float denormalize(float value, int64_t channel) const {
    return static_cast<float>(value * stddev[static_cast<size_t>(channel)] + mean[static_cast<size_t>(channel)]);
  }

  nlohmann::json to_json() const;
  static ChannelNormalization from_json(const nlohmann::json& j);
};

// Mean field per hour of day (UTC, of the valid time) over the training times, NaN-aware: the
// WeatherBench climatology reduced to the days a run trains on. An hour never seen in training
// falls back to the mean over all training times.
struct Climatology {
  std::vector<int> hours;      // hours of day with their own mean; the last entry of `values` is the overall mean
  int64_t channels = 0, lats = 0, lons = 0;
  std::vector<float> values;   // [hours.size() + 1][channel][lat][lon], NaN where never observed

  static Climatology fit(const FieldDataset& data, const std::vector<int64_t>& times);
  // The [channel][lat][lon] climatology valid at a time in hours since 1970.
  const float* at(double time_hours) const;

  nlohmann::json to_json() const;
  static Climatology from_json(const nlohmann::json& j);
};

}  // namespace tessera::weather
