// Hostile numbers in NetCDF inputs through the `tessera` executable: non-finite data values are
// missing values (train runs, forecasts stay finite, never NaN with exit 0), and impossible
// coordinates are one error line naming the file and the value, exit code 2.
#include <gtest/gtest.h>
#include <netcdf.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/command.h"
#include "tests/support/scratch_dir.h"
#include "tests/weather/netcdf_fixture.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using test_support::GridSpec;
using test_support::run_tessera;
using test_support::three_days;
using test_support::write_grid_file;

// Overwrites t2m at (time, lat, lon) indices with `value`, stored as a double.
void put_value(const std::string& path, size_t t, size_t y, size_t x, double value) {
  int ncid = -1, var = -1;
  ASSERT_EQ(nc_open(path.c_str(), NC_WRITE, &ncid), NC_NOERR);
  nc_inq_varid(ncid, "t2m", &var);
  const size_t index[3] = {t, y, x};
  ASSERT_EQ(nc_put_var1_double(ncid, var, index, &value), NC_NOERR);
  nc_close(ncid);
}

std::vector<float> variable_values(const std::string& path) {
  int ncid = -1, var = -1, ndims = 0, dims[8] = {};
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

class WeatherHostileValues : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_.emplace();
    dir_ = scratch_->str();
    GridSpec spec = three_days();
    spec.type = NC_DOUBLE;
    with_inf_ = dir_ + "/with_inf.nc";
    write_grid_file(with_inf_, spec);
    put_value(with_inf_, 5, 2, 3, INFINITY);  // a training time
    put_value(with_inf_, 60, 1, 1, -INFINITY);  // a test time
    put_value(with_inf_, 61, 4, 6, NAN);        // NaN without a _FillValue
  }
  static void TearDownTestSuite() { scratch_.reset(); }

  static std::string train(const std::string& input, const std::string& name) {
    const auto r = run_tessera("train --config " TESSERA_SOURCE_DIR "/tests/configs/weather-tiny.yaml --run-dir " + dir_ + "/" +
                               name + " --set 'data.files=[" + input + "]'");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return dir_ + "/" + name + "/checkpoints/last.h5";
  }

  static inline std::optional<test_support::ScratchDir> scratch_;
  static std::string dir_, with_inf_;
};
std::string WeatherHostileValues::dir_, WeatherHostileValues::with_inf_;

TEST_F(WeatherHostileValues, InfinitiesAreMissingValuesForTrainPredictAndEval) {
  const std::string checkpoint = train(with_inf_, "run_inf");  // was: "training loss became -nan ... lower training.lr"
  const std::string output = dir_ + "/forecast.nc";
  const auto predict = run_tessera("predict weather --checkpoint " + checkpoint + " --input " + with_inf_ + " --output " +
                                   output + " --steps 2");
  ASSERT_EQ(predict.exit_code, 0) << predict.err;
  const std::vector<float> values = variable_values(output);
  ASSERT_EQ(values.size(), 72u * 2 * 35);
  // Missing only where the initial field is missing (the _FillValue NaN, 3 points x 2 leads); it
  // was every value of every forecast from an initial time with the Inf.
  for (size_t init = 0; init < 72; ++init)
    for (size_t i = 0; i < 2 * 35; ++i) {
      const size_t point = i % 35;
      const bool missing = (init == 5 && point == 2 * 7 + 3) || (init == 60 && point == 1 * 7 + 1) || (init == 61 && point == 4 * 7 + 6);
      EXPECT_EQ(std::isnan(values[init * 70 + i]), missing) << "init " << init << " value " << i;
      if (!missing) {
        ASSERT_TRUE(std::isfinite(values[init * 70 + i])) << "init " << init << " value " << i;
      }
    }

  const std::string scores = dir_ + "/scores.json";
  const auto eval = run_tessera("eval weather --checkpoint " + checkpoint + " --input " + with_inf_ + " --lead-hours 1,6 --json " + scores);
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  std::ifstream in(scores);
  const nlohmann::json j = nlohmann::json::parse(in);
  ASSERT_FALSE(j["scores"].empty());
  for (const auto& row : j["scores"]) {
    EXPECT_TRUE(row["rmse"].is_number()) << row;
    EXPECT_TRUE(std::isfinite(row["rmse"].get<double>())) << row;
  }
}

struct BadGrid {
  std::string name;
  std::vector<double> latitudes, longitudes;
  std::string message;
};
void PrintTo(const BadGrid& c, std::ostream* os) { *os << c.name; }

class WeatherBadCoordinates : public WeatherHostileValues, public ::testing::WithParamInterface<BadGrid> {};

TEST_P(WeatherBadCoordinates, EveryCommandSaysWhichValue) {
  GridSpec spec = three_days();
  if (!GetParam().latitudes.empty()) spec.latitudes = GetParam().latitudes;
  if (!GetParam().longitudes.empty()) spec.longitudes = GetParam().longitudes;
  const std::string input = dir_ + "/" + GetParam().name + ".nc", output = dir_ + "/out_" + GetParam().name + ".nc";
  write_grid_file(input, spec);
  const std::string checkpoint = train(with_inf_, "run_" + GetParam().name);
  for (const std::string& command :
       {"train --config " TESSERA_SOURCE_DIR "/tests/configs/weather-tiny.yaml --run-dir " + dir_ + "/bad_run_" + GetParam().name +
            " --set 'data.files=[" + input + "]'",
        "predict weather --checkpoint " + checkpoint + " --input " + input + " --output " + output,
        "eval weather --checkpoint " + checkpoint + " --input " + input}) {
    const auto r = run_tessera(command);
    EXPECT_EQ(r.exit_code, 2) << command << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("tessera: error: " + input + ": ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(GetParam().message), std::string::npos) << r.err;
  }
  EXPECT_FALSE(fs::exists(output));
}

INSTANTIATE_TEST_SUITE_P(
    Table, WeatherBadCoordinates,
    ::testing::Values(
        BadGrid{"LatitudeBeyondThePole", {100, 57, 54, 51, 48}, {}, "latitude 'lat' has 100 at index 0, outside [-90, 90]"},
        BadGrid{"NanLatitude", {60, 57, NAN, 51, 48}, {}, "latitude 'lat' has NaN at index 2"},
        BadGrid{"DuplicateLatitude", {60, 57.5, 57.5, 51, 48}, {}, "duplicate latitude 57.5 in 'lat' (indices 1 and 2)"},
        BadGrid{"LongitudeBeyond360", {}, {-6, -4, -2, 0, 2, 4, 600}, "longitude 'lon' has 600 at index 6, outside [-360, 360]"}),
    [](const ::testing::TestParamInfo<BadGrid>& info) { return info.param.name; });

}  // namespace
}  // namespace tessera
