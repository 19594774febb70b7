#include "governance/bias/bias_audit.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>

#include "core/util/error.h"

namespace tessera::bias {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<std::string> split_names(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  for (std::string part; std::getline(in, part, ',');) out.push_back(part);
  return out;
}

size_t attribute_index(const eval::GroupedOutcomes& t, const std::string& name, const std::string& where) {
  for (size_t a = 0; a < t.attributes.size(); ++a)
    if (t.attributes[a] == name) return a;
  std::string known;
  for (const auto& a : t.attributes) known += (known.empty() ? "" : ", ") + a;
  throw InputError(where, "'" + name + "' is not a group attribute of this audit (it has: " + known + ")");
}

// The groups of one audited attribute (one column, or an intersection of columns), by name.
std::map<std::string, std::vector<const eval::OutcomeSums*>> units_by_group(const eval::GroupedOutcomes& t,
                                                                            const std::vector<size_t>& columns) {
  std::map<std::string, std::vector<const eval::OutcomeSums*>> groups;
  for (size_t u = 0; u < t.units(); ++u) {
    std::string name;
    for (size_t i = 0; i < columns.size(); ++i)
      name += (i ? "," : "") + t.levels[columns[i]][static_cast<size_t>(t.code(u, columns[i]))];
    groups[name].push_back(&t.sums[u]);
  }
  return groups;
}

std::string number_text(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

std::string judged_by_threshold(double distance, const Threshold& t) {
  if (!std::isfinite(distance)) return "not judged";
  return distance > t.fail ? "fail" : distance > t.warn ? "warn" : "pass";
}

std::string threshold_rule(const Threshold& t, const std::string& what) {
  return "warn if " + what + " > " + number_text(t.warn) + ", fail if > " + number_text(t.fail);
}

class AttributeJudge {
 public:
  AttributeJudge(const AuditSettings& s, eval::OutcomeKind kind, std::string attribute, std::vector<GroupResult*> groups)
      : s_(s), kind_(kind), attribute_(std::move(attribute)), groups_(std::move(groups)) {}

  void judge(std::vector<Comparison>& out, std::vector<std::string>& notes) const {
    std::vector<const GroupResult*> judged;
    for (const GroupResult* g : groups_)
      if (g->judged) judged.push_back(g);
    // A pair score has its own reference: 0.5, no preference between the sentences of a pair.
    if (kind_ == eval::OutcomeKind::pairs) {
      for (const GroupResult* g : judged) out.push_back(against_unbiased(*g));
      return;
    }
    if (judged.size() < 2) {
      notes.push_back("'" + attribute_ + "': fewer than two groups of at least " + std::to_string(s_.min_group_size) +
                      " units, so nothing is compared");
      return;
    }
    const auto& names = eval::metric_names(kind_);
    for (size_t m = 0; m < names.size(); ++m) {
      const GroupResult* ref = reference_for(judged, m);
      for (const GroupResult* g : judged)
        if (g != ref) out.push_back(against_reference(*g, *ref, m));
      if (names[m] == "selection_rate")
        for (const GroupResult* g : judged)
          if (g != ref) out.push_back(disparate_impact(*g, *ref, m));
    }
    if (kind_ == eval::OutcomeKind::classification) summaries(judged, out);
  }

 private:
  size_t metric_index(const std::string& name) const {
    const auto& names = eval::metric_names(kind_);
    return static_cast<size_t>(std::find(names.begin(), names.end(), name) - names.begin());
  }

  const GroupResult* reference_for(const std::vector<const GroupResult*>& judged, size_t m) const {
    const auto named = s_.reference_groups.find(attribute_);
    const std::string choice = named != s_.reference_groups.end() ? named->second : s_.reference;
    if (choice == "largest")
      return *std::max_element(judged.begin(), judged.end(),
                               [](const GroupResult* a, const GroupResult* b) { return a->units < b->units; });
    if (choice == "best") {
      const std::string& metric = eval::metric_names(kind_)[m];
      const GroupResult* best = judged.front();
      for (const GroupResult* g : judged)
        if (std::isfinite(g->values[m]) &&
            (!std::isfinite(best->values[m]) || eval::badness(metric, g->values[m]) < eval::badness(metric, best->values[m])))
          best = g;
      return best;
    }
    for (const GroupResult* g : judged)
      if (g->group == choice) return g;
    throw InputError("audit.reference", "group '" + choice + "' of '" + attribute_ + "' is absent or smaller than " +
                                            "min_group_size (" + std::to_string(s_.min_group_size) + ")");
  }

  Comparison base(const GroupResult& g, const GroupResult& ref, const std::string& metric) const {
    Comparison c;
    c.attribute = attribute_;
    c.metric = metric;
    c.group = g.group;
    c.reference = ref.group;
    return c;
  }

  Comparison against_reference(const GroupResult& g, const GroupResult& ref, size_t m) const {
    const std::string& metric = eval::metric_names(kind_)[m];
    Comparison c = base(g, ref, metric);
    c.value = g.values[m];
    c.reference_value = ref.values[m];
    c.difference = c.value - c.reference_value;
    c.ratio = c.reference_value != 0 ? c.value / c.reference_value : kNaN;
    const auto t = s_.thresholds.find(metric);
    if (t == s_.thresholds.end()) {
      c.verdict = "not judged";
      c.rule = "no threshold set";
    } else {
      c.verdict = judged_by_threshold(std::fabs(c.difference), t->second);
      c.rule = threshold_rule(t->second, "|difference|");
    }
    return c;
  }

  Comparison against_unbiased(const GroupResult& g) const {
    GroupResult unbiased;
    unbiased.group = "unbiased (0.5)";
    unbiased.values = {0.5};
    return against_reference(g, unbiased, 0);
  }

  Comparison disparate_impact(const GroupResult& g, const GroupResult& ref, size_t m) const {
    Comparison c = base(g, ref, "disparate_impact");
    c.value = c.ratio = ref.values[m] > 0 ? g.values[m] / ref.values[m] : kNaN;
    c.reference_value = ref.values[m];
    c.difference = kNaN;
    c.rule = "pass if " + number_text(s_.disparate_impact_low) + " <= selection_rate ratio <= " +
             number_text(s_.disparate_impact_high);
    c.verdict = !std::isfinite(c.ratio) ? "not judged"
                : c.ratio >= s_.disparate_impact_low && c.ratio <= s_.disparate_impact_high ? "pass"
                                                                                           : "fail";
    return c;
  }

  // Largest minus smallest of a metric over the judged groups where it is defined.
  std::pair<double, double> range_of(const std::vector<const GroupResult*>& judged, const std::string& metric) const {
    const size_t m = metric_index(metric);
    double low = kNaN, high = kNaN;
    for (const GroupResult* g : judged) {
      const double v = g->values[m];
      if (!std::isfinite(v)) continue;
      low = std::isfinite(low) ? std::min(low, v) : v;
      high = std::isfinite(high) ? std::max(high, v) : v;
    }
    return {low, high};
  }

  Comparison summary(const std::string& metric, double value) const {
    Comparison c;
    c.attribute = attribute_;
    c.metric = metric;
    c.value = value;
    c.reference_value = c.difference = c.ratio = kNaN;
    const auto t = s_.thresholds.find(metric);
    if (metric == "demographic_parity_ratio") {
      c.rule = "pass if >= " + number_text(s_.disparate_impact_low);
      c.verdict = !std::isfinite(value) ? "not judged" : value >= s_.disparate_impact_low ? "pass" : "fail";
    } else if (t == s_.thresholds.end()) {
      c.verdict = "not judged";
      c.rule = "no threshold set";
    } else {
      c.verdict = judged_by_threshold(value, t->second);
      c.rule = threshold_rule(t->second, "value");
    }
    return c;
  }

  void summaries(const std::vector<const GroupResult*>& judged, std::vector<Comparison>& out) const {
    const auto [sel_low, sel_high] = range_of(judged, "selection_rate");
    const auto [tpr_low, tpr_high] = range_of(judged, "tpr");
    const auto [fpr_low, fpr_high] = range_of(judged, "fpr");
    out.push_back(summary("demographic_parity_difference", sel_high - sel_low));
    out.push_back(summary("demographic_parity_ratio", sel_high > 0 ? sel_low / sel_high : kNaN));
    out.push_back(summary("equalized_odds_difference", std::max(tpr_high - tpr_low, fpr_high - fpr_low)));
  }

  const AuditSettings& s_;
  eval::OutcomeKind kind_;
  std::string attribute_;
  std::vector<GroupResult*> groups_;
};

int severity(const std::string& verdict) {
  return verdict == "fail" ? 3 : verdict == "warn" ? 2 : verdict == "pass" ? 1 : 0;
}

}  // namespace

AuditResult run_audit(const eval::GroupedOutcomes& table, const AuditSettings& settings) {
  AuditResult r;
  r.kind = table.kind;
  r.settings = settings;
  r.units = static_cast<int64_t>(table.units());
  std::vector<std::pair<std::string, std::vector<size_t>>> audited;
  for (size_t a = 0; a < table.attributes.size(); ++a) audited.push_back({table.attributes[a], {a}});
  for (const std::string& joint : settings.intersections) {
    std::vector<size_t> columns;
    for (const std::string& name : split_names(joint)) columns.push_back(attribute_index(table, name, "intersection"));
    audited.push_back({joint, columns});
  }
  for (const auto& [attribute, group] : settings.reference_groups) {
    bool known = false;
    for (const auto& entry : audited) known |= entry.first == attribute;
    if (!known) attribute_index(table, attribute, "audit.reference_groups");
  }
  std::vector<std::pair<std::string, size_t>> spans;  // attribute, first group index
  for (const auto& [attribute, columns] : audited) {
    spans.push_back({attribute, r.groups.size()});
    for (const auto& [name, units] : units_by_group(table, columns)) {
      GroupResult g;
      g.attribute = attribute;
      g.group = name;
      g.units = static_cast<int64_t>(units.size());
      g.judged = g.units >= settings.min_group_size;
      eval::OutcomeSums total{};
      for (const eval::OutcomeSums* u : units) eval::add_to(total, *u);
      g.n = static_cast<int64_t>(eval::examples_in(table.kind, total));
      g.values = eval::metric_values(table.kind, total);
      g.intervals = bootstrap_intervals(table.kind, units, settings.bootstrap, settings.confidence, settings.seed,
                                        attribute + "=" + name);
      r.groups.push_back(std::move(g));
    }
  }
  for (size_t i = 0; i < spans.size(); ++i) {
    const size_t end = i + 1 < spans.size() ? spans[i + 1].second : r.groups.size();
    std::vector<GroupResult*> groups;
    for (size_t g = spans[i].second; g < end; ++g) groups.push_back(&r.groups[g]);
    AttributeJudge(settings, table.kind, spans[i].first, groups).judge(r.comparisons, r.notes);
  }
  int worst = 0;
  for (const Comparison& c : r.comparisons) worst = std::max(worst, severity(c.verdict));
  r.verdict = worst == 3 ? "fail" : worst == 2 ? "warn" : worst == 1 ? "pass" : "not judged";
  return r;
}

}  // namespace tessera::bias
