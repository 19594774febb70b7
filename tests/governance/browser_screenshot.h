#pragma once
// A report as a person sees it: an HTML file opened in headless Chromium and screenshotted, the
// picture read back for the browser tests to check (not blank, the expected colours present).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/command.h"

namespace tessera::test_support {

// Chromium's path; empty when it is not installed (the browser tests then skip).
std::string find_chromium();

struct Image {
  int width = 0, height = 0;
  std::vector<uint32_t> rgb;  // 0xRRGGBB per pixel
};

bool read_png(const std::filesystem::path& file, Image& image);

// Screenshots `html` at 1200 x `height` into `png`, with a browser profile under `scratch`.
CommandResult screenshot(const std::string& chromium, const std::filesystem::path& html, const std::filesystem::path& png,
                         const std::filesystem::path& scratch, int height = 900);

}  // namespace tessera::test_support
