#include "governance/bias/audit_settings.h"

#include <algorithm>

#include "eval/group_metrics.h"

namespace tessera::bias {
namespace {

std::vector<std::string> all_threshold_names() {
  std::vector<std::string> names;
  for (eval::OutcomeKind k : {eval::OutcomeKind::classification, eval::OutcomeKind::regression,
                              eval::OutcomeKind::language, eval::OutcomeKind::pairs})
    for (const auto& n : eval::metric_names(k)) names.push_back(n);
  for (const auto& n : summary_metric_names()) names.push_back(n);
  return names;
}

}  // namespace

const std::vector<std::string>& summary_metric_names() {
  static const std::vector<std::string> names = {"demographic_parity_difference", "demographic_parity_ratio",
                                                 "equalized_odds_difference"};
  return names;
}

AuditSettings read_audit_settings(config::Section s) {
  AuditSettings a;
  a.bootstrap = s.integer("bootstrap", a.bootstrap, 0, 100000);
  a.seed = static_cast<uint64_t>(s.integer("seed", 1, 0));
  a.confidence = s.number("confidence", a.confidence, 0.5, 0.999);
  a.min_group_size = s.integer("min_group_size", a.min_group_size, 1);
  a.reference = s.text("reference", a.reference);
  if (a.reference.empty()) s.fail("reference", "is empty; give largest, best or a group name");
  for (const std::string& entry : s.texts("reference_groups", {})) {
    const size_t eq = entry.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == entry.size())
      s.fail("reference_groups", "entry '" + entry + "' is not attribute=group");
    a.reference_groups[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  a.intersections = s.texts("intersections", {});
  for (const auto& i : a.intersections)
    if (i.find(',') == std::string::npos) s.fail("intersections", "'" + i + "' names one attribute; give two or more joined by commas");
  const std::vector<double> di = s.numbers("disparate_impact", {0.8, 1.25}, 0.0);
  if (di.size() != 2 || !(di[0] < di[1])) s.fail("disparate_impact", "needs two numbers, low < high");
  a.disparate_impact_low = di[0];
  a.disparate_impact_high = di[1];
  config::Section thresholds = s.section("thresholds");
  for (const std::string& name : all_threshold_names()) {
    config::Section t = thresholds.section(name);
    // -1: absent (a threshold is a distance, so a given one is >= 0).
    const double warn = t.number("warn", -1, -1), fail = t.number("fail", -1, -1);
    if (warn == -1 && fail == -1) continue;
    if (warn < 0 || fail < 0 || fail < warn) t.fail("fail", "needs both warn and fail, 0 <= warn <= fail");
    a.thresholds[name] = {warn, fail};
    t.finish();
  }
  thresholds.finish();
  s.finish();
  return a;
}

}  // namespace tessera::bias
