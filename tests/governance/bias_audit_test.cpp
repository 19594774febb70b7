// The audit engine on tables whose answers are known: metrics against hand computations,
// bootstrap coverage on synthetic data, references, thresholds, the minimum group size and
// intersections.
#include <gtest/gtest.h>

#include <cmath>

#include "core/util/error.h"
#include "core/util/rng.h"
#include "governance/bias/bias_audit.h"

namespace tessera::bias {
namespace {

using eval::OutcomeKind;

// Group A: tp 2, fn 1, fp 1, tn 3. Group B: tp 1, fn 2, fp 2, tn 1.
eval::GroupedOutcomes hand_table() {
  eval::GroupedOutcomes t(OutcomeKind::classification, {"group"});
  const int a[][2] = {{1, 1}, {1, 1}, {1, 0}, {0, 1}, {0, 0}, {0, 0}, {0, 0}};
  const int b[][2] = {{1, 1}, {0, 1}, {0, 1}, {0, 0}, {1, 0}, {1, 0}};
  for (const auto& r : a) t.add({"A"}, eval::classification_outcome(r[0], r[1]));
  for (const auto& r : b) t.add({"B"}, eval::classification_outcome(r[0], r[1]));
  return t;
}

AuditSettings small_settings() {
  AuditSettings s;
  s.min_group_size = 1;
  s.bootstrap = 200;
  return s;
}

const GroupResult& group(const AuditResult& r, const std::string& attribute, const std::string& name) {
  for (const auto& g : r.groups)
    if (g.attribute == attribute && g.group == name) return g;
  throw std::runtime_error("no group " + attribute + "=" + name);
}

double metric(const AuditResult& r, const GroupResult& g, const std::string& name) {
  const auto& names = eval::metric_names(r.kind);
  return g.values[static_cast<size_t>(std::find(names.begin(), names.end(), name) - names.begin())];
}

const Comparison* comparison(const AuditResult& r, const std::string& metric_name, const std::string& group_name) {
  for (const auto& c : r.comparisons)
    if (c.metric == metric_name && c.group == group_name) return &c;
  return nullptr;
}

TEST(BiasAudit, ClassificationMetricsEqualTheHandComputation) {
  const AuditResult r = run_audit(hand_table(), small_settings());
  const GroupResult& a = group(r, "group", "A");
  const GroupResult& b = group(r, "group", "B");
  EXPECT_EQ(a.n, 7);
  EXPECT_EQ(metric(r, a, "accuracy"), 5.0 / 7.0);
  EXPECT_EQ(metric(r, a, "tpr"), 2.0 / 3.0);
  EXPECT_EQ(metric(r, a, "fpr"), 1.0 / 4.0);
  EXPECT_EQ(metric(r, a, "fnr"), 1.0 / 3.0);
  EXPECT_EQ(metric(r, a, "precision"), 2.0 / 3.0);
  EXPECT_EQ(metric(r, a, "selection_rate"), 3.0 / 7.0);
  EXPECT_EQ(metric(r, b, "fpr"), 2.0 / 3.0);
  EXPECT_EQ(metric(r, b, "fnr"), 2.0 / 3.0);
  EXPECT_EQ(metric(r, b, "selection_rate"), 3.0 / 6.0);
  // A is the largest group, so the reference.
  const Comparison* fpr = comparison(r, "fpr", "B");
  ASSERT_NE(fpr, nullptr);
  EXPECT_EQ(fpr->reference, "A");
  EXPECT_DOUBLE_EQ(fpr->difference, 2.0 / 3.0 - 0.25);
  // Fairness summaries over the two groups.
  const Comparison* dp = comparison(r, "demographic_parity_difference", "");
  ASSERT_NE(dp, nullptr);
  EXPECT_DOUBLE_EQ(dp->value, 0.5 - 3.0 / 7.0);
  const Comparison* eo = comparison(r, "equalized_odds_difference", "");
  ASSERT_NE(eo, nullptr);
  EXPECT_DOUBLE_EQ(eo->value, std::max(2.0 / 3.0 - 1.0 / 3.0, 2.0 / 3.0 - 0.25));
  // Selection-rate ratio 0.5 / (3/7) = 1.1667: inside 0.8-1.25.
  const Comparison* di = comparison(r, "disparate_impact", "B");
  ASSERT_NE(di, nullptr);
  EXPECT_DOUBLE_EQ(di->value, 0.5 / (3.0 / 7.0));
  EXPECT_EQ(di->verdict, "pass");
}

TEST(BiasAudit, RegressionAndLanguageMetrics) {
  eval::GroupedOutcomes t(OutcomeKind::regression, {"band"});
  t.add({"x"}, eval::regression_outcome(3, 1));   // e = 2
  t.add({"x"}, eval::regression_outcome(0, 1));   // e = -1
  t.add({"x"}, eval::regression_outcome(5, 3));   // e = 2
  const AuditResult r = run_audit(t, small_settings());
  const GroupResult& x = group(r, "band", "x");
  EXPECT_DOUBLE_EQ(metric(r, x, "rmse"), std::sqrt(9.0 / 3.0));
  EXPECT_DOUBLE_EQ(metric(r, x, "mae"), 5.0 / 3.0);
  EXPECT_DOUBLE_EQ(metric(r, x, "bias"), 1.0);
  const std::vector<double> lm = eval::metric_values(OutcomeKind::language, eval::language_outcome(4, 2.0));
  EXPECT_DOUBLE_EQ(lm[0], 0.5);
  EXPECT_DOUBLE_EQ(lm[1], std::exp(0.5));
}

TEST(BiasAudit, UndefinedMetricsAreNaNNotZero) {
  eval::GroupedOutcomes t(OutcomeKind::classification, {"g"});
  t.add({"only_negatives"}, eval::classification_outcome(false, false));
  const AuditResult r = run_audit(t, small_settings());
  const GroupResult& g = group(r, "g", "only_negatives");
  EXPECT_TRUE(std::isnan(metric(r, g, "tpr")));
  EXPECT_TRUE(std::isnan(metric(r, g, "precision")));
  EXPECT_EQ(metric(r, g, "fpr"), 0.0);
}

TEST(BiasAudit, SameSeedSameIntervalsOtherSeedOthers) {
  const AuditResult a = run_audit(hand_table(), small_settings());
  const AuditResult b = run_audit(hand_table(), small_settings());
  AuditSettings other = small_settings();
  other.seed = 99;
  const AuditResult c = run_audit(hand_table(), other);
  EXPECT_EQ(a.groups[0].intervals, b.groups[0].intervals);
  EXPECT_NE(a.groups[0].intervals, c.groups[0].intervals);
}

// A 95 % interval of a known rate or mean covers it in about 95 % of synthetic samples.
TEST(BiasAudit, BootstrapIntervalsCoverTheTrueValueAtAboutTheNominalRate) {
  const int trials = 300;
  int rate_covered = 0, bias_covered = 0;
  Generator data(2024);
  AuditSettings s;
  s.bootstrap = 400;
  s.min_group_size = 1;
  for (int trial = 0; trial < trials; ++trial) {
    eval::GroupedOutcomes cls(OutcomeKind::classification, {"g"});
    eval::GroupedOutcomes reg(OutcomeKind::regression, {"g"});
    for (int i = 0; i < 200; ++i) {
      cls.add({"a"}, eval::classification_outcome(data.uniform() < 0.5, data.uniform() < 0.3));
      reg.add({"a"}, eval::regression_outcome(0.25 + data.normal(), 0.0));
    }
    s.seed = static_cast<uint64_t>(trial);
    const AuditResult rc = run_audit(cls, s), rr = run_audit(reg, s);
    const Interval rate = rc.groups[0].intervals[5];  // selection_rate
    const Interval bias = rr.groups[0].intervals[2];  // bias
    rate_covered += rate.first <= 0.3 && 0.3 <= rate.second;
    bias_covered += bias.first <= 0.25 && 0.25 <= bias.second;
  }
  // 300 trials: a coverage of 0.95 lies within +-0.04 with probability > 0.999.
  EXPECT_NEAR(rate_covered / double(trials), 0.95, 0.04);
  EXPECT_NEAR(bias_covered / double(trials), 0.95, 0.04);
}

TEST(BiasAudit, ThresholdsGivePassWarnFail) {
  AuditSettings s = small_settings();
  s.thresholds["fpr"] = {0.1, 0.5};            // B - A = 0.4167: warn
  s.thresholds["fnr"] = {0.5, 0.6};            // 0.3333: pass
  s.thresholds["selection_rate"] = {0.01, 0.05};  // 0.0714: fail
  const AuditResult r = run_audit(hand_table(), s);
  EXPECT_EQ(comparison(r, "fpr", "B")->verdict, "warn");
  EXPECT_EQ(comparison(r, "fnr", "B")->verdict, "pass");
  EXPECT_EQ(comparison(r, "selection_rate", "B")->verdict, "fail");
  EXPECT_EQ(comparison(r, "accuracy", "B")->verdict, "not judged");
  EXPECT_EQ(r.verdict, "fail");
}

TEST(BiasAudit, DisparateImpactRuleIsInclusiveAtItsBounds) {
  eval::GroupedOutcomes t(OutcomeKind::classification, {"g"});
  for (int i = 0; i < 10; ++i) t.add({"ref"}, eval::classification_outcome(true, i < 5));   // 0.5
  for (int i = 0; i < 10; ++i) t.add({"low"}, eval::classification_outcome(true, i < 4));   // 0.4: ratio 0.8
  for (int i = 0; i < 10; ++i) t.add({"lower"}, eval::classification_outcome(true, i < 3)); // 0.3: ratio 0.6
  AuditSettings s = small_settings();
  s.reference = "ref";
  const AuditResult r = run_audit(t, s);
  EXPECT_EQ(comparison(r, "disparate_impact", "low")->verdict, "pass");
  EXPECT_EQ(comparison(r, "disparate_impact", "lower")->verdict, "fail");
  EXPECT_EQ(comparison(r, "demographic_parity_ratio", "")->verdict, "fail");  // 0.3 / 0.5
}

TEST(BiasAudit, SmallGroupsAreReportedButNeverJudged) {
  eval::GroupedOutcomes t = hand_table();
  t.add({"C"}, eval::classification_outcome(true, false));
  AuditSettings s = small_settings();
  s.min_group_size = 6;
  s.thresholds["fnr"] = {0.0, 0.0};
  const AuditResult r = run_audit(t, s);
  EXPECT_FALSE(group(r, "group", "C").judged);
  EXPECT_TRUE(group(r, "group", "A").judged);
  for (const auto& c : r.comparisons) EXPECT_NE(c.group, "C") << c.metric;
  s.min_group_size = 7;  // only A is left: nothing to compare
  const AuditResult alone = run_audit(t, s);
  EXPECT_TRUE(alone.comparisons.empty());
  EXPECT_EQ(alone.verdict, "not judged");
  ASSERT_EQ(alone.notes.size(), 1u);
}

TEST(BiasAudit, ReferenceLargestBestOrNamed) {
  AuditSettings s = small_settings();
  s.reference = "best";
  const AuditResult best = run_audit(hand_table(), s);
  EXPECT_EQ(comparison(best, "fpr", "A"), nullptr);   // A has the better fpr: the reference
  EXPECT_EQ(comparison(best, "fpr", "B")->reference, "A");
  EXPECT_NE(comparison(best, "precision", "B"), nullptr);  // A's precision 2/3 beats B's 1/3
  EXPECT_EQ(comparison(best, "precision", "A"), nullptr);
  s.reference = "B";
  const AuditResult named = run_audit(hand_table(), s);
  EXPECT_EQ(comparison(named, "fpr", "A")->reference, "B");
  s.reference = "Z";
  EXPECT_THROW(run_audit(hand_table(), s), InputError);
}

TEST(BiasAudit, IntersectionsSplitEveryCombination) {
  eval::GroupedOutcomes t(OutcomeKind::classification, {"sex", "race"});
  t.add({"F", "x"}, eval::classification_outcome(true, true));
  t.add({"F", "y"}, eval::classification_outcome(false, true));
  t.add({"M", "x"}, eval::classification_outcome(false, false));
  t.add({"M", "x"}, eval::classification_outcome(true, false));
  AuditSettings s = small_settings();
  s.intersections = {"sex,race"};
  const AuditResult r = run_audit(t, s);
  EXPECT_EQ(group(r, "sex,race", "M,x").n, 2);
  EXPECT_EQ(group(r, "sex,race", "F,y").n, 1);
  EXPECT_EQ(metric(r, group(r, "sex,race", "M,x"), "fnr"), 1.0);
  EXPECT_EQ(group(r, "sex", "M").n, 2);
  s.intersections = {"sex,age"};
  EXPECT_THROW(run_audit(t, s), InputError);
}

}  // namespace
}  // namespace tessera::bias

namespace tessera::bias {
namespace {

// Every shipped audit config reads; its thresholds name known metrics.
TEST(BiasAuditConfigs, ShippedConfigsRead) {
  for (const char* name : {"table", "weather", "text"}) {
    config::ConfigFile file = config::ConfigFile::load(std::string(TESSERA_SOURCE_DIR "/configs/audit/") + name + ".yaml");
    config::Section root = file.root();
    const AuditSettings s = read_audit_settings(root.section("audit"));
    EXPECT_FALSE(s.thresholds.empty()) << name;
    EXPECT_EQ(s.confidence, 0.95) << name;
  }
}

}  // namespace
}  // namespace tessera::bias
