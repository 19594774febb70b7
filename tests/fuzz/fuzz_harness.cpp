#include "tests/fuzz/fuzz_harness.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <typeinfo>

#include "core/util/error.h"

namespace tessera::fuzz {
namespace {

// Removed at a normal exit; a crashed run leaves it for the input that crashed to be looked at.
struct ScratchFolder {
  std::filesystem::path path;
  ScratchFolder() {
    const std::filesystem::path base = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
    path = base / ("tessera-fuzz-" + std::to_string(getpid()));
    std::filesystem::create_directories(path);
  }
  ~ScratchFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

const std::filesystem::path& scratch_folder() {
  static ScratchFolder folder;
  return folder.path;
}

}  // namespace

std::string scratch_path(const std::string& name) { return (scratch_folder() / name).string(); }

const std::string& input_file(const uint8_t* data, size_t size, const std::string& suffix) {
  static std::map<std::string, std::string> paths;
  auto [it, added] = paths.emplace(suffix, std::string());
  if (added) it->second = scratch_path("input" + suffix);
  std::ofstream out(it->second, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) {
    std::fprintf(stderr, "fuzz: cannot write %s\n", it->second.c_str());
    std::abort();
  }
  return it->second;
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

namespace {
size_t refused = 0;
}  // namespace

size_t refused_reads() { return refused; }

void expect_input_error(const std::function<void()>& read) {
  try {
    read();
  } catch (const InputError&) {
    ++refused;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz: finding: %s escaped the reader: %s\n", typeid(e).name(), e.what());
    std::abort();
  }
}

}  // namespace tessera::fuzz
