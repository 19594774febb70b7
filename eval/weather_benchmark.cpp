#include "eval/weather_benchmark.h"

#include <cmath>
#include <cstdio>
#include <map>

#include "core/util/error.h"
#include "domains/weather/rollout.h"
#include "modalities/field/latitude_weights.h"

namespace tessera::eval {
namespace {

const char* const kSystems[] = {"model", "persistence", "climatology"};

int64_t minutes(double hours) { return std::llround(hours * 60.0); }

}  // namespace

WeatherBenchmark benchmark_weather(const weather::LoadedWeatherModel& m, const weather::FieldDataset& data,
                                   const std::vector<int64_t>& times, const std::vector<double>& lead_hours,
                                   const std::string& source) {
  std::map<int64_t, int64_t> by_time;
  for (int64_t t : times) by_time[minutes(data.time_hours[static_cast<size_t>(t)])] = t;
  WeatherBenchmark out;
  std::vector<std::vector<int64_t>> targets;  // [init][lead]
  for (int64_t t : times) {
    std::vector<int64_t> row;
    for (double lead : lead_hours) {
      auto it = by_time.find(minutes(data.time_hours[static_cast<size_t>(t)] + lead));
      if (it != by_time.end()) row.push_back(it->second);
    }
    if (row.size() != lead_hours.size()) continue;
    out.init_times.push_back(t);
    targets.push_back(row);
  }
  if (out.init_times.empty())
    throw DataError(source, "no initial time has data at every lead (the longest is " +
                                std::to_string(static_cast<int64_t>(lead_hours.back())) + " h) within the scored period");

  const weather::Forecast f = weather::forecast(*m.model, m.normalization, m.spec.lead_hours, data, out.init_times, lead_hours);
  const int64_t C = data.num_channels(), plane = data.lats() * data.lons(), L = static_cast<int64_t>(lead_hours.size());
  const std::vector<double> weights = field::latitude_weights(data.latitude.values);
  for (int64_t l = 0; l < L; ++l)
    for (int64_t c = 0; c < C; ++c) {
      std::vector<FieldScorer> scorers(3, FieldScorer(weights, data.lons()));
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
        out.rows.push_back({kSystems[s], data.channels[static_cast<size_t>(c)].name, lead_hours[static_cast<size_t>(l)],
                            scorers[static_cast<size_t>(s)].result()});
    }
  return out;
}

std::string format_weather_table(const WeatherBenchmark& b) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-12s %6s | %-29s | %-29s | %-29s\n", "", "", "RMSE", "bias", "ACC");
  out += line;
  std::snprintf(line, sizeof line, "%-12s %6s | %9s %9s %9s | %9s %9s %9s | %9s %9s %9s\n", "channel", "lead_h", "model",
                "persist", "climat", "model", "persist", "climat", "model", "persist", "climat");
  out += line;
  for (size_t i = 0; i + 2 < b.rows.size(); i += 3) {
    const FieldScore& m = b.rows[i].score;
    const FieldScore& p = b.rows[i + 1].score;
    const FieldScore& c = b.rows[i + 2].score;
    std::snprintf(line, sizeof line, "%-12s %6g | %9.4f %9.4f %9.4f | %9.4f %9.4f %9.4f | %9.4f %9.4f %9.4f\n",
                  b.rows[i].channel.c_str(), b.rows[i].lead_hours, m.rmse, p.rmse, c.rmse, m.bias, p.bias, c.bias, m.acc,
                  p.acc, c.acc);
    out += line;
  }
  return out;
}

nlohmann::ordered_json weather_benchmark_json(const WeatherBenchmark& b) {
  auto number = [](double v) { return std::isnan(v) ? nlohmann::ordered_json() : nlohmann::ordered_json(v); };
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const WeatherScoreRow& r : b.rows)
    rows.push_back({{"system", r.system},
                    {"channel", r.channel},
                    {"lead_hours", r.lead_hours},
                    {"rmse", number(r.score.rmse)},
                    {"bias", number(r.score.bias)},
                    {"acc", number(r.score.acc)},
                    {"forecasts", r.score.forecasts}});
  return {{"initial_times", b.init_times.size()}, {"scores", rows}};
}

}  // namespace tessera::eval
