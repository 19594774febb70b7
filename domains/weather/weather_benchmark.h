#pragma once
// A weather model scored beside the two WeatherBench baselines on the same forecasts:
// persistence (the initial field, unchanged) and climatology (the training split's mean field for
// the valid time's hour of day, stored in the checkpoint). The climatology is also the reference
// for the anomalies of ACC, for all three systems. The metrics are eval/'s.
#include <string>
#include <vector>

#include "domains/weather/weather_model_spec.h"
#include "eval/forecast_scores.h"

namespace tessera::weather {

struct WeatherBenchmark {
  std::vector<int64_t> init_times;  // indices into the data, shared by every row
  eval::ForecastScores scores;      // systems: model, persistence, climatology
};

// The initial times among `times` from which every lead's valid time is also among `times`, with
// those valid times ([init][lead], indices into the data). Throws DataError naming `source` when
// there is none.
struct ForecastTargets {
  std::vector<int64_t> init_times;
  std::vector<std::vector<int64_t>> targets;
};
ForecastTargets forecast_targets(const FieldDataset& data, const std::vector<int64_t>& times,
                                 const std::vector<double>& lead_hours, const std::string& source);

// Initial times are those of `times` from which every lead's valid time is also in `times`.
// Throws DataError naming `source` when there is none.
WeatherBenchmark benchmark_weather(const LoadedWeatherModel& model, const FieldDataset& data,
                                   const std::vector<int64_t>& times, const std::vector<double>& lead_hours,
                                   const std::string& source);

}  // namespace tessera::weather
