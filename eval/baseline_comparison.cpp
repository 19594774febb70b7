#include "eval/baseline_comparison.h"

#include <cmath>
#include <limits>

#include "core/util/error.h"

namespace tessera::eval {
namespace {

double number_of(const nlohmann::ordered_json& v, const std::string& source, const std::string& what) {
  if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();
  if (!v.is_number()) throw DataError(source, what + " is not a number");
  return v.get<double>();
}

}  // namespace

nlohmann::ordered_json number_or_null(double v) { return std::isfinite(v) ? nlohmann::ordered_json(v) : nullptr; }

double number_or_nan(const nlohmann::ordered_json& v) {
  return v.is_number() ? v.get<double>() : std::numeric_limits<double>::quiet_NaN();
}

std::string better_name(Better better) { return better == Better::lower ? "lower" : "higher"; }

nlohmann::ordered_json comparison_json(const std::vector<MetricComparison>& comparison) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const MetricComparison& c : comparison) {
    nlohmann::ordered_json baselines = nlohmann::ordered_json::object();
    for (const auto& [name, value] : c.baselines) baselines[name] = number_or_null(value);
    rows.push_back({{"metric", c.metric}, {"better", better_name(c.better)}, {"model", number_or_null(c.model)},
                    {"baselines", baselines}});
  }
  return rows;
}

std::vector<MetricComparison> comparison_of(const nlohmann::ordered_json& result, const std::string& source) {
  if (!result.is_object() || !result.contains(kComparisonKey) || !result[kComparisonKey].is_array())
    throw DataError(source, std::string("the result has no '") + kComparisonKey + "' list of model and baseline scores");
  std::vector<MetricComparison> out;
  for (const auto& row : result[kComparisonKey]) {
    if (!row.is_object() || !row.contains("metric") || !row["metric"].is_string() || !row.contains("baselines") ||
        !row["baselines"].is_object())
      throw DataError(source, std::string("a '") + kComparisonKey + "' row lacks its metric or baselines");
    MetricComparison c;
    c.metric = row["metric"].get<std::string>();
    const std::string better = row.value("better", "");
    if (better != "lower" && better != "higher")
      throw DataError(source, c.metric + ": 'better' is '" + better + "', not lower or higher");
    c.better = better == "lower" ? Better::lower : Better::higher;
    c.model = number_of(row.value("model", nlohmann::ordered_json()), source, c.metric + ": model");
    for (const auto& [name, value] : row["baselines"].items())
      c.baselines.emplace_back(name, number_of(value, source, c.metric + ": baseline " + name));
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace tessera::eval
