#pragma once
// How an audit is run and judged: the `audit:` section of configs/audit/*.yaml (docs/bias.md).
//   bootstrap: 1000          replicates per group for the percentile intervals (0: no intervals)
//   seed: 1                  the bootstrap's seed: the same table and seed give the same intervals
//   confidence: 0.95         interval coverage
//   min_group_size: 30       smaller groups are reported, never judged
//   reference: largest       largest | best | a group name, for every attribute
//   reference_groups: [race=Caucasian]   per-attribute named references, overriding `reference`
//   intersections: [sex,race]            attributes audited jointly, beside each alone
//   disparate_impact: [0.8, 1.25]        selection-rate ratio to the reference that passes
//   thresholds:              |difference to the reference| above `warn` warns, above `fail` fails
//     fpr: {warn: 0.05, fail: 0.1}       (any metric name, demographic_parity_difference,
//                                         equalized_odds_difference)
#include <map>
#include <string>
#include <vector>

#include "core/config/config.h"

namespace tessera::bias {

struct Threshold {
  double warn = 0, fail = 0;
};

struct AuditSettings {
  int64_t bootstrap = 1000;
  uint64_t seed = 1;
  double confidence = 0.95;
  int64_t min_group_size = 30;
  std::string reference = "largest";
  std::map<std::string, std::string> reference_groups;  // attribute -> group
  std::vector<std::string> intersections;               // "sex,race"
  double disparate_impact_low = 0.8, disparate_impact_high = 1.25;
  std::map<std::string, Threshold> thresholds;
};

// Reads (and checks) the `audit:` section; unknown keys are a ConfigError at section.finish().
AuditSettings read_audit_settings(config::Section section);

// Names a threshold may carry besides the per-group metric names.
const std::vector<std::string>& summary_metric_names();

}  // namespace tessera::bias
