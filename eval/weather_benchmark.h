#pragma once
// A weather model scored beside the two WeatherBench baselines on the same forecasts:
// persistence (the initial field, unchanged) and climatology (the training split's mean field for
// the valid time's hour of day, stored in the checkpoint). The climatology is also the reference
// for the anomalies of ACC, for all three systems.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "domains/weather/weather_model_spec.h"
#include "eval/field_metrics.h"

namespace tessera::eval {

struct WeatherScoreRow {
  std::string system;   // model | persistence | climatology
  std::string channel;
  double lead_hours = 0;
  FieldScore score;
};

struct WeatherBenchmark {
  std::vector<int64_t> init_times;  // indices into the data, shared by every row
  std::vector<WeatherScoreRow> rows;
};

// Initial times are those of `times` from which every lead's valid time is also in `times`.
// Throws DataError naming `source` when there is none.
WeatherBenchmark benchmark_weather(const weather::LoadedWeatherModel& model, const weather::FieldDataset& data,
                                   const std::vector<int64_t>& times, const std::vector<double>& lead_hours,
                                   const std::string& source);

// A fixed-width table: one line per channel and lead, RMSE, bias and ACC of each system.
std::string format_weather_table(const WeatherBenchmark& benchmark);
nlohmann::ordered_json weather_benchmark_json(const WeatherBenchmark& benchmark);

}  // namespace tessera::eval
