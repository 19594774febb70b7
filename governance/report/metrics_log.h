#pragma once
// A training run's metrics.jsonl (one JSON object per logged step, written by the trainer), read
// for reports: the model card's facts and the eval suite's training curves.
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace tessera::report {

// The records of `file` in order; none when it does not exist. A line that is not a JSON object
// (the truncated last line of a killed run) is skipped: the records before it stand.
std::vector<nlohmann::ordered_json> read_metrics_log(const std::string& file);

// One numeric key of the records over their `step`: loss, eval_loss, lr, <domain>_loss ...
struct Curve {
  std::string key;
  std::vector<std::pair<double, double>> points;  // step, value
};

// Every numeric key but `step` that some record with a step holds, in order of first appearance.
std::vector<Curve> training_curves(const std::vector<nlohmann::ordered_json>& records);

}  // namespace tessera::report
