// A run config's YAML text: parsed strictly, every value read through the typed accessors, and
// the effective config written and parsed again (what a resumed run does).
#include <filesystem>

#include "core/config/config.h"
#include "tests/fuzz/config_walk.h"
#include "tests/fuzz/fuzz_harness.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  tessera::fuzz::expect_input_error([&] {
    tessera::config::ConfigFile file = tessera::config::ConfigFile::parse(text, "fuzz.yaml");
    tessera::fuzz::read_like_a_run(file);
  });
  return 0;
}

namespace tessera::fuzz {

// The project's own run configs, and a few shapes they do not use (lists of sections, flow style).
std::vector<std::string> seeds() {
  std::vector<std::string> out = {
      "task: text/language_model\nmodel: {d_model: 64, n_layer: 2, n_head: 4}\ntraining:\n  lr: 1.0e-3\n  seed: 7\n",
      "data:\n  paths: [a.nc, b.nc]\n  variables:\n    - t2m\n    - z@500\nmodel:\n  norm: rmsnorm\n  dropout: 0.1\n",
      "tasks:\n  - task: weather/forecast\n    weight: 0.5\n  - task: molecule/property\n    weight: 0.5\n",
      "a: &anchor {x: 1}\nb: *anchor\nc: !!str 12\nd: \"quoted: text\"\ne: |\n  block\n  text\n",
  };
  for (const auto& entry : std::filesystem::recursive_directory_iterator(TESSERA_SOURCE_DIR "/configs"))
    if (entry.path().extension() == ".yaml") out.push_back(file_bytes(entry.path().string()));
  return out;
}

}  // namespace tessera::fuzz
