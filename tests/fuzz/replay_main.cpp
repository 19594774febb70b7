// Runs a harness without libFuzzer: its generated seeds, then every file of the folders (or the
// files) named on the command line, in name order. `--write-seeds DIR` writes the seeds as files
// instead (scripts/fuzz.sh makes the starting corpus with it).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_harness.h"

namespace {

int run(const std::string& input) {
  return LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

int write_seeds(const std::filesystem::path& folder) {
  std::filesystem::create_directories(folder);
  const std::vector<std::string> seeds = tessera::fuzz::seeds();
  for (size_t i = 0; i < seeds.size(); ++i) {
    std::ofstream out(folder / ("seed-" + std::to_string(i)), std::ios::binary);
    out.write(seeds[i].data(), static_cast<std::streamsize>(seeds[i].size()));
    if (!out) {
      std::fprintf(stderr, "cannot write the seeds into %s\n", folder.c_str());
      return 1;
    }
  }
  std::printf("%zu seeds written to %s\n", seeds.size(), folder.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 2 && args[0] == "--write-seeds") return write_seeds(args[1]);

  const std::vector<std::string> seeds = tessera::fuzz::seeds();
  for (const std::string& seed : seeds) run(seed);
  const size_t refused_seeds = tessera::fuzz::refused_reads();
  std::vector<std::filesystem::path> files;
  for (const std::string& arg : args) {
    if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::directory_iterator(arg))
        if (entry.is_regular_file()) files.push_back(entry.path());
    } else if (std::filesystem::exists(arg)) {
      files.push_back(arg);
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    run(std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
  }
  std::printf("%zu seeds (%zu reads of them refused as bad input) and %zu files (%zu reads refused) ran clean\n",
              seeds.size(), refused_seeds, files.size(), tessera::fuzz::refused_reads() - refused_seeds);
  return 0;
}
