// The HTML report as a person sees it: opened in headless Chromium, screenshotted, and the
// picture checked for content (not blank, the plot's colours present). Skips without chromium.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "governance/carbon/carbon_reports.h"
#include "tests/governance/browser_screenshot.h"
#include "tests/governance/sample_runs.h"
#include "tests/support/scratch_dir.h"

namespace tessera::carbon {
namespace {

namespace fs = std::filesystem;

using test_support::find_chromium;
using test_support::Image;
using test_support::read_png;

TEST(CarbonHtmlInBrowser, ScreenshotShowsTablesAndThePlot) {
  const std::string chromium = find_chromium();
  if (chromium.empty()) GTEST_SKIP() << "chromium not installed (apt-get install chromium)";
  const test_support::ScratchDir dir;
  write_carbon_reports(dir.str(), {test_support::sample_training_run()});
  const fs::path png = dir / "screenshot.png";
  const test_support::CommandResult r = test_support::screenshot(chromium, dir / "carbon.html", png, dir.path());
  ASSERT_EQ(r.exit_code, 0) << "chromium failed: " << r.out << r.err;
  Image image;
  ASSERT_TRUE(read_png(png, image)) << "no readable screenshot at " << png;
  EXPECT_EQ(image.width, 1200);
  EXPECT_EQ(image.height, 900);
  std::set<uint32_t> colours(image.rgb.begin(), image.rgb.end());
  size_t non_white = 0;
  for (uint32_t p : image.rgb) non_white += p != 0xffffff;
  EXPECT_GT(colours.size(), 20u) << "a blank or single-colour page";
  EXPECT_GT(non_white, image.rgb.size() / 50) << "almost nothing drawn";
  // The train phase's shading (#dbe9f6) shows only if the inline SVG was rendered.
  EXPECT_TRUE(colours.count(0xdbe9f6)) << "the power plot's train-phase band is not on the page";
}

}  // namespace
}  // namespace tessera::carbon
