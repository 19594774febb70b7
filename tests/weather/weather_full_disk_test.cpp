// Writing NetCDF onto a full disk through the `tessera` executable: one error line, exit code 2,
// no crash at exit and nothing left behind. A small tmpfs plays the full disk; where mounting is
// not permitted (not root, or no CAP_SYS_ADMIN in a container) the tests skip.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>

#include "tests/support/command.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/small_disk.h"
#include "tests/weather/netcdf_fixture.h"

namespace tessera {
namespace {

using test_support::run_tessera;
using test_support::SmallDisk;

class WeatherFullDisk : public ::testing::TestWithParam<int> {
 protected:
  static void SetUpTestSuite() {
    scratch_.emplace();
    dir_ = scratch_->str();
    input_ = dir_ + "/in.nc";
    test_support::write_grid_file(input_, test_support::three_days());
    const auto r = run_tessera("train --config " TESSERA_SOURCE_DIR "/tests/configs/weather-tiny.yaml --run-dir " + dir_ +
                               "/run --set 'data.files=[" + input_ + "]'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() { scratch_.reset(); }

  void expect_one_line_about_space(const test_support::CommandResult& r, const SmallDisk& disk) {
    EXPECT_EQ(r.exit_code, 2) << r.err;  // 139 was HDF5 crashing at exit on the file it could not close
    EXPECT_EQ(r.err.rfind("tessera: error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
    EXPECT_TRUE(disk.empty()) << "a temporary file was left on the full disk";
  }

  static inline std::optional<test_support::ScratchDir> scratch_;
  static std::string dir_, input_;
};
std::string WeatherFullDisk::dir_, WeatherFullDisk::input_;

// The failure comes at different points (the header, the data, the final flush) for different sizes.
TEST_P(WeatherFullDisk, PredictSaysTheDiskIsFull) {
  SmallDisk disk(dir_ + "/disk_predict_" + std::to_string(GetParam()), GetParam());
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN)";
  const auto r = run_tessera("predict weather --checkpoint " + dir_ + "/run/checkpoints/last.h5 --input " + input_ +
                             " --output " + dir_ + "/disk_predict_" + std::to_string(GetParam()) + "/forecast.nc --steps 3");
  expect_one_line_about_space(r, disk);
}

TEST_P(WeatherFullDisk, DemoDataSaysTheDiskIsFull) {
  SmallDisk disk(dir_ + "/disk_demo_" + std::to_string(GetParam()), GetParam());
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN)";
  const auto r = run_tessera("data weather-demo --days 1 --output " + dir_ + "/disk_demo_" + std::to_string(GetParam()) + "/demo.nc");
  expect_one_line_about_space(r, disk);
}

INSTANTIATE_TEST_SUITE_P(Kilobytes, WeatherFullDisk, ::testing::Values(4, 8, 16));

}  // namespace
}  // namespace tessera
