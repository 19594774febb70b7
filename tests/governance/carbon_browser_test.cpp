// The HTML report as a person sees it: opened in headless Chromium, screenshotted, and the
// picture checked for content (not blank, the plot's colours present). Skips without chromium.
#include <gtest/gtest.h>
#include <png.h>

#include <filesystem>
#include <set>

#include "governance/carbon/carbon_reports.h"
#include "tests/governance/sample_runs.h"
#include "tests/support/command.h"
#include "tests/support/scratch_dir.h"

namespace tessera::carbon {
namespace {

namespace fs = std::filesystem;

std::string find_chromium() {
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"})
    for (const char* dir : {"/usr/bin/", "/usr/local/bin/", "/snap/bin/"})
      if (fs::exists(std::string(dir) + name)) return std::string(dir) + name;
  return "";
}

struct Image {
  int width = 0, height = 0;
  std::vector<uint32_t> rgb;  // 0xRRGGBB per pixel
};

bool read_png(const fs::path& file, Image& image) {
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&png, file.c_str())) return false;
  png.format = PNG_FORMAT_RGB;
  std::vector<unsigned char> pixels(PNG_IMAGE_SIZE(png));
  if (!png_image_finish_read(&png, nullptr, pixels.data(), 0, nullptr)) return false;
  image.width = static_cast<int>(png.width);
  image.height = static_cast<int>(png.height);
  for (size_t i = 0; i + 2 < pixels.size(); i += 3)
    image.rgb.push_back((uint32_t(pixels[i]) << 16) | (uint32_t(pixels[i + 1]) << 8) | pixels[i + 2]);
  return true;
}

TEST(CarbonHtmlInBrowser, ScreenshotShowsTablesAndThePlot) {
  const std::string chromium = find_chromium();
  if (chromium.empty()) GTEST_SKIP() << "chromium not installed (apt-get install chromium)";
  const test_support::ScratchDir dir;
  write_carbon_reports(dir.str(), {test_support::sample_training_run()});
  const fs::path png = dir / "screenshot.png", profile = dir / "profile";
  const std::string cmd = chromium +
                          " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
                          " --disable-background-networking --disable-component-update --disable-sync"
                          " --user-data-dir=" + profile.string() + " --screenshot=" + png.string() +
                          " --window-size=1200,900 file://" + (dir / "carbon.html").string();
  const test_support::CommandResult r = test_support::run_shell(cmd);
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
