#pragma once
// The parts of a weather run config that define the model, and the trained model rebuilt from a
// checkpoint (weights, config, grid, normalization and climatology) for predict and eval.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/config/config.h"
#include "core/task/trained_model.h"
#include "domains/weather/field_dataset.h"
#include "domains/weather/field_statistics.h"
#include "domains/weather/time_period.h"
#include "domains/weather/weather_model.h"

namespace tessera::weather {

constexpr const char* kArchitecture = "weather/forecast";
inline const ModelKind kWeatherModel{kArchitecture, "a weather forecast model"};

struct WeatherModelSpec {
  std::vector<double> lead_hours;  // the leads the model is trained on; longer ones are rollouts
  WeatherModelConfig model;
};

// The channels and grid a model was trained on; an input must have the same.
struct TrainedGrid {
  std::vector<std::string> variables, channels;
  std::vector<double> latitudes, longitudes;

  static TrainedGrid of(const FieldDataset& data);
  // Throws DataError naming `source` when the data's channels or grid differ.
  void check_matches(const FieldDataset& data, const std::string& source) const;
  nlohmann::json to_json() const;
  static TrainedGrid from_json(const nlohmann::json& j);
};

// Reads the "model" section of a run config for data with this grid and these channels.
WeatherModelSpec read_weather_model_spec(config::Section& root, const TrainedGrid& grid);

struct LoadedWeatherModel {
  WeatherModelSpec spec;
  TrainedGrid grid;
  ChannelNormalization normalization;
  Climatology climatology;
  TimePeriod test_period;  // as the training config gave it
  std::unique_ptr<WeatherModel> model;
};
// The trained model of a checkpoint, in eval mode on `device`.
LoadedWeatherModel load_weather_model(const std::string& checkpoint, Device device = Device::cpu());

}  // namespace tessera::weather
