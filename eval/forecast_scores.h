#pragma once
// Scores of several forecasting systems (a model and its baselines) side by side, per channel and
// lead time, as a table for people and as JSON for programs.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "eval/baseline_comparison.h"
#include "eval/field_metrics.h"

namespace tessera::eval {

struct ForecastScoreRow {
  std::string system;  // e.g. model | persistence | climatology
  std::string channel;
  double lead_hours = 0;
  FieldScore score;
};

// Rows come grouped: for each channel and lead, one row per system, the systems in the same order.
struct ForecastScores {
  std::vector<std::string> systems;
  std::vector<ForecastScoreRow> rows;
};

// Fixed width: one line per channel and lead; RMSE, bias and ACC of every system.
std::string format_forecast_scores(const ForecastScores& scores);
// {"scores": [{system, channel, lead_hours, rmse, bias, acc, forecasts}...]}; a score without a
// value (no valid point) is null.
nlohmann::ordered_json forecast_scores_json(const ForecastScores& scores);
// RMSE and ACC per channel and lead ("rmse t2m 6h"), the first system as the model and the others
// as its baselines.
std::vector<MetricComparison> forecast_comparison(const ForecastScores& scores);

}  // namespace tessera::eval
