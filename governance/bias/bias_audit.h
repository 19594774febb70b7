#pragma once
// The bias audit: per-group metrics with bootstrap intervals, for every attribute and every
// intersection of attributes, compared with a reference group and judged against the settings'
// thresholds. docs/bias.md defines every number.
#include <string>
#include <vector>

#include "eval/group_metrics.h"
#include "governance/bias/audit_settings.h"
#include "governance/bias/bootstrap.h"

namespace tessera::bias {

struct GroupResult {
  std::string attribute;  // "sex", or an intersection "sex,race"
  std::string group;      // "Female", or "Female,Caucasian"
  int64_t n = 0;          // examples: rows, grid-point values, tokens or pairs
  int64_t units = 0;      // what the bootstrap resamples: rows, forecast maps, sentences, pairs
  bool judged = false;    // units >= min_group_size
  std::vector<double> values;        // per metric_names(kind); NaN: undefined in this group
  std::vector<Interval> intervals;   // per metric
};

// One judged statement. Per group: a metric against the reference group's (difference =
// value - reference_value, ratio = value / reference_value), or disparate_impact (the
// selection_rate ratio). Per attribute (group empty): demographic_parity_difference / _ratio and
// equalized_odds_difference over the judged groups.
struct Comparison {
  std::string attribute, metric, group, reference;
  double value = 0, reference_value = 0, difference = 0, ratio = 0;  // NaN where not applicable
  std::string verdict;  // pass, warn, fail, or "not judged" (no threshold set, or a value undefined)
  std::string rule;     // the threshold applied, in words
};

struct AuditResult {
  eval::OutcomeKind kind = eval::OutcomeKind::classification;
  AuditSettings settings;
  int64_t units = 0;
  std::vector<GroupResult> groups;
  std::vector<Comparison> comparisons;
  std::vector<std::string> notes;  // attributes with fewer than two judged groups, etc.
  std::string verdict;             // the worst judged verdict; "not judged" when none is
};

// InputError when an intersection or a named reference group names something the table lacks.
AuditResult run_audit(const eval::GroupedOutcomes& table, const AuditSettings& settings);

}  // namespace tessera::bias
