#include "tests/governance/browser_screenshot.h"

#include <png.h>

namespace tessera::test_support {

namespace fs = std::filesystem;

std::string find_chromium() {
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"})
    for (const char* dir : {"/usr/bin/", "/usr/local/bin/", "/snap/bin/"})
      if (fs::exists(std::string(dir) + name)) return std::string(dir) + name;
  return "";
}

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

CommandResult screenshot(const std::string& chromium, const fs::path& html, const fs::path& png, const fs::path& scratch,
                         int height) {
  return run_shell(chromium +
                   " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
                   " --disable-background-networking --disable-component-update --disable-sync"
                   " --user-data-dir=" + (scratch / "profile").string() + " --screenshot=" + png.string() +
                   " --window-size=1200," + std::to_string(height) + " file://" + html.string());
}

}  // namespace tessera::test_support
