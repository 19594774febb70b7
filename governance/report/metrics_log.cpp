#include "governance/report/metrics_log.h"

#include <algorithm>
#include <cmath>
#include <fstream>

namespace tessera::report {

std::vector<nlohmann::ordered_json> read_metrics_log(const std::string& file) {
  std::vector<nlohmann::ordered_json> records;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    nlohmann::ordered_json j = nlohmann::ordered_json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) continue;
    records.push_back(std::move(j));
  }
  return records;
}

std::vector<Curve> training_curves(const std::vector<nlohmann::ordered_json>& records) {
  std::vector<Curve> curves;
  for (const nlohmann::ordered_json& r : records) {
    if (!r.contains("step") || !r["step"].is_number()) continue;
    const double step = r["step"].get<double>();
    for (const auto& [key, value] : r.items()) {
      if (key == "step" || !value.is_number() || !std::isfinite(value.get<double>())) continue;
      auto curve = std::find_if(curves.begin(), curves.end(), [&](const Curve& c) { return c.key == key; });
      if (curve == curves.end()) curve = curves.insert(curves.end(), Curve{key, {}});
      curve->points.emplace_back(step, value.get<double>());
    }
  }
  return curves;
}

}  // namespace tessera::report
