#include "eval/forecast_scores.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tessera::eval {
namespace {

std::string cell(const char* format, double value) {
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

std::string padded(const std::string& s, size_t width) { return s.size() >= width ? s : s + std::string(width - s.size(), ' '); }

std::string right(const std::string& s, size_t width) { return s.size() >= width ? s : std::string(width - s.size(), ' ') + s; }

}  // namespace

std::string format_forecast_scores(const ForecastScores& s) {
  size_t width = 9;
  for (const std::string& system : s.systems) width = std::max(width, system.size());
  const size_t n = s.systems.size(), metric_width = (width + 1) * n - 1;
  std::string out = padded("", 12) + " " + right("", 6);
  for (const char* metric : {"RMSE", "bias", "ACC"}) out += " | " + padded(metric, metric_width);
  out += "\n" + padded("channel", 12) + " " + right("lead_h", 6);
  for (int metric = 0; metric < 3; ++metric) {
    out += " |";
    for (const std::string& system : s.systems) out += " " + right(system, width);
  }
  out += "\n";
  for (size_t i = 0; n > 0 && i + n <= s.rows.size(); i += n) {
    out += padded(s.rows[i].channel, 12) + " " + right(cell("%g", s.rows[i].lead_hours), 6);
    for (double FieldScore::*metric : {&FieldScore::rmse, &FieldScore::bias, &FieldScore::acc}) {
      out += " |";
      for (size_t k = 0; k < n; ++k) out += " " + right(cell("%.4f", s.rows[i + k].score.*metric), width);
    }
    out += "\n";
  }
  return out;
}

nlohmann::ordered_json forecast_scores_json(const ForecastScores& s) {
  auto number = [](double v) { return std::isnan(v) ? nlohmann::ordered_json() : nlohmann::ordered_json(v); };
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const ForecastScoreRow& r : s.rows)
    rows.push_back({{"system", r.system},
                    {"channel", r.channel},
                    {"lead_hours", r.lead_hours},
                    {"rmse", number(r.score.rmse)},
                    {"bias", number(r.score.bias)},
                    {"acc", number(r.score.acc)},
                    {"forecasts", r.score.forecasts}});
  return {{"scores", rows}};
}

std::vector<MetricComparison> forecast_comparison(const ForecastScores& s) {
  std::vector<MetricComparison> out;
  const size_t n = s.systems.size();
  const std::pair<const char*, double FieldScore::*> metrics[] = {{"rmse", &FieldScore::rmse}, {"acc", &FieldScore::acc}};
  for (size_t i = 0; n > 0 && i + n <= s.rows.size(); i += n)
    for (const auto& [name, metric] : metrics) {
      MetricComparison c;
      c.metric = std::string(name) + " " + s.rows[i].channel + " " + cell("%g", s.rows[i].lead_hours) + "h";
      c.better = metric == &FieldScore::rmse ? Better::lower : Better::higher;
      c.model = s.rows[i].score.*metric;
      for (size_t k = 1; k < n; ++k) c.baselines.emplace_back(s.rows[i + k].system, s.rows[i + k].score.*metric);
      out.push_back(std::move(c));
    }
  return out;
}

}  // namespace tessera::eval
