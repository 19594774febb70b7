// Files tessera creates get the permissions the user's umask gives any new file (0666 & ~umask),
// whatever the writer (atomic rename, HDF5, NetCDF): a private temporary must not leave a
// checkpoint unreadable to the user's group, nor a shared one readable to everyone.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/command.h"
#include "tests/support/scratch_dir.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using test_support::shell_quote;

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

class FileModes : public ::testing::TestWithParam<unsigned> {
 protected:
  // Runs tessera ARGS under the umask of this test's parameter.
  test_support::CommandResult tessera(const std::string& args) const {
    char mask[8];
    std::snprintf(mask, sizeof mask, "%03o", GetParam());
    return test_support::run_shell(std::string("umask ") + mask + " && " TESSERA_BINARY " " + args);
  }
  unsigned expected() const { return 0666 & ~GetParam(); }
  test_support::ScratchDir scratch_;
};

TEST_P(FileModes, TrainingRunFilesFollowTheUmask) {
  std::ofstream(scratch_ / "corpus.txt") << std::string(3000, 'a') + "bcd efg\n";
  const fs::path run = scratch_ / "run";
  const auto r = tessera("train --config " TESSERA_SOURCE_DIR "/tests/configs/text-tiny.yaml --set data.path=" +
                     shell_quote((scratch_ / "corpus.txt").string()) + " --max-steps 2 --no-carbon --run-dir " +
                     shell_quote(run.string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* file : {"checkpoints/last.h5", "config.yaml", "metrics.jsonl"})
    EXPECT_EQ(mode_of(run / file), expected()) << file << std::oct << " under umask " << GetParam();
}

TEST_P(FileModes, ANetcdfOutputFollowsTheUmask) {
  const fs::path out = scratch_ / "demo.nc";
  const auto r = tessera("data weather-demo --output " + shell_quote(out.string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(mode_of(out), expected()) << std::oct << "under umask " << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Umasks, FileModes, ::testing::Values(0022u, 0027u, 0077u),
                         [](const auto& info) { return "umask_0" + std::to_string(info.param / 64) + std::to_string(info.param / 8 % 8) + std::to_string(info.param % 8); });

}  // namespace
}  // namespace tessera
