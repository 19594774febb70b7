#pragma once
// The one part every domain's eval result shares: per metric, the model's value beside each
// baseline's and which way is better. Domains fill it from the numbers their eval computes;
// programs that compare domains (`tessera eval suite`) read only this part:
//   "comparison": [{"metric": "rmse", "better": "lower", "model": 0.8, "baselines": {"mean": 1.1}}]
// A value without a number (no valid point) is null.
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace tessera::eval {

enum class Better { lower, higher };

struct MetricComparison {
  std::string metric;
  Better better = Better::lower;
  double model = 0;
  std::vector<std::pair<std::string, double>> baselines;  // name, value; in the order reported
};

// The key every eval result holds the comparison under.
inline constexpr const char* kComparisonKey = "comparison";

std::string better_name(Better better);
// A finite number as itself, anything else (an undefined score) as null.
nlohmann::ordered_json number_or_null(double v);
// The reverse: null as NaN.
double number_or_nan(const nlohmann::ordered_json& v);
nlohmann::ordered_json comparison_json(const std::vector<MetricComparison>& comparison);
// The comparison of an eval result; DataError naming `source` when the result has none or it is
// malformed.
std::vector<MetricComparison> comparison_of(const nlohmann::ordered_json& result, const std::string& source);

}  // namespace tessera::eval
