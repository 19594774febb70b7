// A grid one patch high or wide (or a single patch) gives AFNO's Fourier mixing a length-1 axis:
// valid math (the DFT of one value is itself), which once crashed in rfft2. Through `tessera`:
// train, then predict, and the forecast is finite.
#include <gtest/gtest.h>
#include <netcdf.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/command.h"
#include "tests/support/scratch_dir.h"
#include "tests/weather/netcdf_fixture.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using test_support::run_tessera;

std::vector<float> forecast_values(const std::string& path) {
  int ncid = -1, var = -1, dims[8] = {}, ndims = 0;
  if (nc_open(path.c_str(), NC_NOWRITE, &ncid) != NC_NOERR) return {};
  nc_inq_varid(ncid, "t2m", &var);
  nc_inq_varndims(ncid, var, &ndims);
  nc_inq_vardimid(ncid, var, dims);
  size_t count = 1;
  for (int d = 0; d < ndims; ++d) {
    size_t length = 0;
    nc_inq_dimlen(ncid, dims[d], &length);
    count *= length;
  }
  std::vector<float> values(count);
  nc_get_var_float(ncid, var, values.data());
  nc_close(ncid);
  return values;
}

// patch sizes on the 5 x 7 grid: 5 is one patch high (1 x 2), 7 a single patch (1 x 1).
class WeatherOnePatch : public ::testing::TestWithParam<int> {};

TEST_P(WeatherOnePatch, TrainsAndPredicts) {
  const test_support::ScratchDir scratch;
  const std::string dir = scratch.str();
  const std::string input = dir + "/in.nc", output = dir + "/forecast.nc";
  test_support::write_grid_file(input, test_support::three_days());

  const auto train = run_tessera("train --config " TESSERA_SOURCE_DIR "/tests/configs/weather-tiny.yaml --run-dir " + dir +
                                 "/run --set 'data.files=[" + input + "]' --set model.patch_size=" + std::to_string(GetParam()));
  ASSERT_EQ(train.exit_code, 0) << train.err;
  const auto predict = run_tessera("predict weather --checkpoint " + dir + "/run/checkpoints/last.h5 --input " + input +
                                   " --output " + output + " --steps 2");
  ASSERT_EQ(predict.exit_code, 0) << predict.err;
  const std::vector<float> values = forecast_values(output);
  ASSERT_EQ(values.size(), 72u * 2 * 35);
  for (float v : values) ASSERT_TRUE(std::isfinite(v)) << v;
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(PatchSize, WeatherOnePatch, ::testing::Values(5, 7));

}  // namespace
}  // namespace tessera
