// bench/gpu_bundle.sh: the folder it packs for a bare GPU machine must hold every shared library
// its binaries load apart from glibc, the driver and the CUDA toolkit's own, its archive must
// unpack to that folder, and its run.sh must finish without a GPU, every CUDA test skipping with
// its message. Packs this test's own build tree (--from-build) rather than building another: a
// second CUDA build took 20 minutes of CI's 2 cores, and ctest's parallel runs of each test raced
// on its folder. That tree has three CUDA archs, so the archive's size limit, which is for the
// script's own 90-real build, is the script's check, not this test's. Skips in a build without
// CUDA. Proof on a root without the -dev packages: bench/gpu_bundle_fresh_check.sh (docs/cuda.md).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>

#include "tests/support/command.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using test_support::run_shell;
using test_support::shell_quote;

// Without nvcc, CMake's language check leaves CMAKE_CUDA_COMPILER in the cache as ...-NOTFOUND.
bool configured_with_cuda(const std::string& cache) {
  const size_t at = cache.find("\nCMAKE_CUDA_COMPILER:");
  if (at == std::string::npos) return false;
  const std::string line = cache.substr(at + 1, cache.find('\n', at + 1) - at - 1);
  return line.find("NOTFOUND") == std::string::npos;
}

class GpuBundle : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const fs::path build = fs::path(TESSERA_BINARY).parent_path().parent_path();
    if (!configured_with_cuda(test_support::slurp(build / "CMakeCache.txt"))) return;
    scratch_ = new test_support::ScratchDir("gpu_bundle");
    const auto made = run_shell(shell_quote(std::string(TESSERA_SOURCE_DIR) + "/bench/gpu_bundle.sh") +
                                " --from-build " + shell_quote(build.string()) + " " +
                                shell_quote((*scratch_ / "gpu-bundle").string()));
    build_log_ = made.out + made.err;
    built_ = made.exit_code == 0;
  }
  static void TearDownTestSuite() {
    delete scratch_;
    scratch_ = nullptr;
  }
  void SetUp() override {
    if (!scratch_) GTEST_SKIP() << "this build has no CUDA backend: the bundle packs a CUDA build";
    ASSERT_TRUE(built_) << build_log_;
  }
  static fs::path bundle() { return *scratch_ / "gpu-bundle"; }

  static test_support::ScratchDir* scratch_;
  static bool built_;
  static std::string build_log_;
};
test_support::ScratchDir* GpuBundle::scratch_ = nullptr;
bool GpuBundle::built_ = false;
std::string GpuBundle::build_log_;

// What a GPU machine without the project's packages has: glibc, the driver, the CUDA toolkit.
bool provided_by_the_machine(const std::string& name, const std::string& path) {
  static const std::regex glibc_or_driver(
      "(linux-vdso|ld-linux-x86-64|libc|libm|libpthread|libdl|librt|libresolv|libcuda)\\.so.*");
  return std::regex_match(name, glibc_or_driver) || path.rfind("/usr/local/cuda", 0) == 0;
}

TEST_F(GpuBundle, EveryBinaryFindsItsLibrariesInTheBundleOrOnTheGpuMachine) {
  const std::string lib = (bundle() / "lib").string();
  int binaries = 0;
  for (const char* sub : {"bin", "tests"}) {
    for (const auto& entry : fs::directory_iterator(bundle() / sub)) {
      if (!entry.is_regular_file() || (entry.status().permissions() & fs::perms::owner_exec) == fs::perms::none)
        continue;
      ++binaries;
      const auto ldd = run_shell("LD_LIBRARY_PATH=" + shell_quote(lib) + " ldd " + shell_quote(entry.path().string()));
      ASSERT_EQ(ldd.exit_code, 0) << entry.path() << ": " << ldd.err;
      std::istringstream lines(ldd.out);
      for (std::string line; std::getline(lines, line);) {
        std::istringstream words(line);
        std::string name, arrow, path;
        words >> name >> arrow >> path;
        if (arrow != "=>") continue;
        EXPECT_NE(path, "not") << entry.path().filename() << ": " << line;
        EXPECT_TRUE(path.rfind(lib + "/", 0) == 0 || provided_by_the_machine(name, path))
            << entry.path().filename() << " loads " << path << " from outside the bundle";
      }
    }
  }
  EXPECT_GE(binaries, 2) << "the bundle holds no tessera or no test executable";
}

TEST_F(GpuBundle, ArchiveUnpacksToTheFolder) {
  const auto listed = run_shell("tar -tzf " + shell_quote(bundle().string() + ".tar.gz") + " | grep -v '/$' | sort");
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const auto found = run_shell("cd " + shell_quote(bundle().parent_path().string()) + " && find gpu-bundle -type f | sort");
  EXPECT_EQ(listed.out, found.out);
  EXPECT_NE(listed.out.find("gpu-bundle/run.sh\n"), std::string::npos) << listed.out;
}

TEST_F(GpuBundle, RunWithoutAGpuSkipsEveryCudaTestAndWritesTheSummary) {
  if (fs::exists("/dev/nvidiactl")) GTEST_SKIP() << "a GPU is present: run.sh would take minutes";
  const auto out = *scratch_ / "run";
  const auto run = run_shell(shell_quote((bundle() / "run.sh").string()) + " " + shell_quote(out.string()));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto summary = nlohmann::json::parse(test_support::slurp(out / "summary.json"));
  int test_steps = 0;
  for (const auto& step : summary.at("steps")) {
    if (step.contains("skipped")) continue;
    const std::string log = test_support::slurp(out / step.at("log").get<std::string>());
    EXPECT_EQ(log.find("error while loading shared libraries"), std::string::npos) << log;
    if (step.at("name").get<std::string>().rfind("test-", 0) != 0) continue;
    ++test_steps;
    EXPECT_EQ(step.at("exit_code"), 0) << log;
    EXPECT_EQ(step.at("numbers").at("passed"), 0);
    EXPECT_GT(step.at("numbers").at("skipped"), 0);
    EXPECT_EQ(step.at("numbers").at("skip_message"), "no CUDA device");
  }
  EXPECT_GE(test_steps, 2);
}

}  // namespace
}  // namespace tessera
