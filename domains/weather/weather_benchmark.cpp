#include "domains/weather/weather_benchmark.h"

#include <cmath>
#include <map>

#include "core/util/error.h"
#include "domains/weather/rollout.h"
#include "modalities/field/latitude_weights.h"

namespace tessera::weather {
namespace {

int64_t minutes(double hours) { return std::llround(hours * 60.0); }

}  // namespace

ForecastTargets forecast_targets(const FieldDataset& data, const std::vector<int64_t>& times,
                                 const std::vector<double>& lead_hours, const std::string& source) {
  std::map<int64_t, int64_t> by_time;
  for (int64_t t : times) by_time[minutes(data.time_hours[static_cast<size_t>(t)])] = t;
  ForecastTargets out;
  for (int64_t t : times) {
    std::vector<int64_t> row;
    for (double lead : lead_hours) {
      auto it = by_time.find(minutes(data.time_hours[static_cast<size_t>(t)] + lead));
      if (it != by_time.end()) row.push_back(it->second);
    }
    if (row.size() != lead_hours.size()) continue;
    out.init_times.push_back(t);
    out.targets.push_back(row);
  }
  if (out.init_times.empty())
    throw DataError(source, "no initial time has data at every lead (the longest is " +
                                std::to_string(static_cast<int64_t>(lead_hours.back())) + " h) within the scored period");
  return out;
}

WeatherBenchmark benchmark_weather(const LoadedWeatherModel& m, const FieldDataset& data,
                                   const std::vector<int64_t>& times, const std::vector<double>& lead_hours,
                                   const std::string& source) {
  const ForecastTargets pairs = forecast_targets(data, times, lead_hours, source);
  const std::vector<std::vector<int64_t>>& targets = pairs.targets;
  WeatherBenchmark out;
  out.scores.systems = {"model", "persistence", "climatology"};
  out.init_times = pairs.init_times;

  const Forecast f = forecast(*m.model, m.normalization, m.spec.lead_hours, data, out.init_times, lead_hours);
  const int64_t C = data.num_channels(), plane = data.lats() * data.lons(), L = static_cast<int64_t>(lead_hours.size());
  const std::vector<double> weights = field::latitude_weights(data.latitude.values);
  for (int64_t l = 0; l < L; ++l)
    for (int64_t c = 0; c < C; ++c) {
      std::vector<eval::FieldScorer> scorers(3, eval::FieldScorer(weights, data.lons()));
      for (size_t i = 0; i < out.init_times.size(); ++i) {
        const int64_t target = targets[i][static_cast<size_t>(l)];
        const float* observed = &data.values[data.index(target, c, 0, 0)];
        const float* climatology = m.climatology.at(data.time_hours[static_cast<size_t>(target)]) + c * plane;
        const float* model = &f.values[((i * static_cast<size_t>(L) + static_cast<size_t>(l)) * static_cast<size_t>(C) +
                                        static_cast<size_t>(c)) * static_cast<size_t>(plane)];
        scorers[0].add(model, observed, climatology);
        scorers[1].add(&data.values[data.index(out.init_times[i], c, 0, 0)], observed, climatology);
        scorers[2].add(climatology, observed, climatology);
      }
      for (int s = 0; s < 3; ++s)
        out.scores.rows.push_back({out.scores.systems[static_cast<size_t>(s)], data.channels[static_cast<size_t>(c)].name, lead_hours[static_cast<size_t>(l)],
                            scorers[static_cast<size_t>(s)].result()});
    }
  return out;
}

}  // namespace tessera::weather
