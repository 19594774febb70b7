// `--set key=value` arguments, one per line of the input, applied to a run config; the result is
// read like a run reads it and its effective config must parse again.
#include <cstring>
#include <sstream>

#include "core/config/config.h"
#include "tests/fuzz/config_walk.h"
#include "tests/fuzz/fuzz_harness.h"

namespace {

const char* const kBase =
    "task: text/language_model\n"
    "data: {path: corpus.txt, batch_size: 16}\n"
    "model: {d_model: 64, n_layer: 2, n_head: 4, dropout: 0.0}\n"
    "training: {lr: 1.0e-3, max_steps: 10, seed: 1}\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> overrides;
  std::istringstream lines(std::string(reinterpret_cast<const char*>(data), size));
  for (std::string line; std::getline(lines, line);) overrides.push_back(line);
  static const std::string base = tessera::fuzz::input_file(reinterpret_cast<const uint8_t*>(kBase), std::strlen(kBase), ".yaml");
  tessera::fuzz::expect_input_error([&] {
    tessera::config::ConfigFile file = tessera::config::ConfigFile::load(base, overrides);
    tessera::fuzz::read_like_a_run(file);
  });
  return 0;
}

namespace tessera::fuzz {

std::vector<std::string> seeds() {
  return {
      "training.lr=0.5",
      "training={lr: 0.5, seed: 3}\nmodel.n_layer=3",
      "data.path=other.txt\ndata.path=last.txt",
      "model=[1, 2]\nnew.section.key=\"text\"",
      "tasks=[{task: a, weight: 1}, {task: b}]",
  };
}

}  // namespace tessera::fuzz
