// The audit reports: audit.json as docs/bias.md describes it, Markdown and HTML with the same
// verdicts, HTML self-contained, and (label browser) audit.html rendered by headless Chromium with
// its verdict marks and bar charts on screen.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "core/util/error.h"
#include "governance/bias/audit_report.h"
#include "tests/governance/browser_screenshot.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"

namespace tessera::bias {
namespace {

namespace fs = std::filesystem;

AuditReport sample_report() {
  eval::GroupedOutcomes t(eval::OutcomeKind::classification, {"sex"});
  for (int i = 0; i < 60; ++i) t.add({"Female"}, eval::classification_outcome(i % 2 == 0, i % 3 == 0));
  for (int i = 0; i < 90; ++i) t.add({"Male"}, eval::classification_outcome(i % 2 == 0, i % 4 != 0));
  for (int i = 0; i < 5; ++i) t.add({"<Other & \"x\">"}, eval::classification_outcome(true, true));
  AuditSettings s;
  s.bootstrap = 100;
  s.thresholds["fpr"] = {0.05, 0.1};
  AuditReport r;
  r.title = "Sample audit";
  r.source = {{"predictions", "sample.csv"}};
  r.notes = {"A note."};
  r.result = run_audit(t, s);
  return r;
}

TEST(BiasReport, JsonHasTheDocumentedShape) {
  const nlohmann::ordered_json j = audit_json(sample_report());
  ASSERT_TRUE(j["groups"].is_array());
  ASSERT_EQ(j["groups"][1]["group"], "Female");
  const auto& g = j["groups"][1];
  // The small group has only positives: its fpr is undefined, null in JSON (not 0).
  EXPECT_TRUE(j["groups"][0]["metrics"]["fpr"].is_null());
  EXPECT_TRUE(j["groups"][0]["intervals"]["fpr"].is_null());
  for (const char* key : {"attribute", "group", "n", "metrics", "intervals"}) EXPECT_TRUE(g.contains(key)) << key;
  for (const char* m : {"accuracy", "tpr", "fpr", "fnr", "precision", "selection_rate"}) {
    EXPECT_TRUE(g["metrics"][m].is_number()) << m;
    EXPECT_EQ(g["intervals"][m].size(), 2u) << m;
  }
  EXPECT_TRUE(j["comparisons"].is_array());
  EXPECT_EQ(j["verdict"], "fail");
  bool small_judged = false;
  for (const auto& c : j["comparisons"]) small_judged |= c["group"] == "<Other & \"x\">";
  EXPECT_FALSE(small_judged);
}

TEST(BiasReport, MarkdownAndHtmlCarryTheVerdictAndEscapeNames) {
  const AuditReport r = sample_report();
  const std::string md = audit_markdown(r), html = audit_html(r);
  EXPECT_NE(md.find("Verdict: fail"), std::string::npos);
  EXPECT_NE(md.find("| fpr |"), std::string::npos);
  EXPECT_NE(md.find("warn if \\|difference\\| > 0.05"), std::string::npos);  // a pipe in a cell is escaped
  EXPECT_NE(html.find("class=\"v-fail\""), std::string::npos);
  EXPECT_NE(html.find("&lt;Other &amp; &quot;x&quot;&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<Other"), std::string::npos);
  // Self-contained: nothing fetched, nothing run.
  for (const char* external : {"<script", "src=", "href=", "url(", "<link"}) EXPECT_EQ(html.find(external), std::string::npos) << external;
}

TEST(BiasReport, WritesTheThreeFilesOnlyIntoACheckedFolder) {
  const test_support::ScratchDir dir;
  check_audit_output_dir((dir / "new").string(), {});
  write_audit_reports((dir / "new").string(), sample_report());
  for (const char* f : {"audit.json", "audit.md", "audit.html"}) EXPECT_TRUE(fs::is_regular_file(dir / "new" / f)) << f;
  EXPECT_THROW(check_audit_output_dir((dir / "missing" / "deeper").string(), {}), InputError);
}

TEST(BiasHtmlInBrowser, ScreenshotShowsVerdictMarksAndBars) {
  const std::string chromium = test_support::find_chromium();
  if (chromium.empty()) GTEST_SKIP() << "chromium not installed (apt-get install chromium)";
  const test_support::ScratchDir dir;
  write_audit_reports(dir.str(), sample_report());
  const fs::path png = dir / "screenshot.png";
  const test_support::CommandResult r = test_support::screenshot(chromium, dir / "audit.html", png, dir.path(), 1400);
  ASSERT_EQ(r.exit_code, 0) << "chromium failed: " << r.out << r.err;
  test_support::Image image;
  ASSERT_TRUE(test_support::read_png(png, image)) << "no readable screenshot at " << png;
  EXPECT_EQ(image.width, 1200);
  const std::set<uint32_t> colours(image.rgb.begin(), image.rgb.end());
  EXPECT_TRUE(colours.count(0xf4b0b0)) << "the fail mark of the headline is not on the page";
  EXPECT_TRUE(colours.count(0x4a7fb5)) << "no bar of a judged group: the inline SVG charts were not rendered";
  EXPECT_TRUE(colours.count(0xb9cde3)) << "no pale bar of the group too small to judge";
}

}  // namespace
}  // namespace tessera::bias
