// The weather domain through the `tessera` executable: a tiny model trained for a few steps on a
// fixture file, then predict and eval weather; every bad input is exit code 2, one line on
// stderr, nothing on stdout and no output file.
#include <gtest/gtest.h>
#include <netcdf.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/command.h"
#include "tests/support/one_line_error.h"
#include "tests/support/scratch_dir.h"
#include "tests/weather/netcdf_fixture.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using test_support::GridSpec;
using test_support::one_line_error;
using test_support::run_tessera;
using test_support::write_grid_file;

// Three days of hourly fields from 2019-03-01 on a 5 x 7 grid (the tiny config's train and test days).
GridSpec three_days() {
  GridSpec s;
  s.latitudes = {60, 57, 54, 51, 48};
  s.longitudes = {-6, -4, -2, 0, 2, 4, 6};
  s.times.clear();
  for (int t = 0; t < 72; ++t) s.times.push_back(t);
  return s;
}

class WeatherCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_.emplace();
    dir_ = scratch_->str();
    input_ = dir_ + "/in.nc";
    write_grid_file(input_, three_days());
    const auto r = run_tessera("train --config " TESSERA_SOURCE_DIR "/tests/configs/weather-tiny.yaml --run-dir " + dir_ +
                               "/run --set 'data.files=[" + input_ + "]'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    checkpoint_ = dir_ + "/run/checkpoints/last.h5";
  }
  static void TearDownTestSuite() { scratch_.reset(); }
  static inline std::optional<test_support::ScratchDir> scratch_;
  static inline std::string dir_, input_, checkpoint_;
};

size_t dimension_length(int ncid, const char* name) {
  int dim = -1;
  size_t length = 0;
  if (nc_inq_dimid(ncid, name, &dim) != NC_NOERR || nc_inq_dimlen(ncid, dim, &length) != NC_NOERR) return 0;
  return length;
}

TEST_F(WeatherCli, PredictWritesOneForecastPerInitialTimeAndStep) {
  const std::string out = dir_ + "/forecast.nc";
  const auto r = run_tessera("predict weather --checkpoint " + checkpoint_ + " --input " + input_ + " --output " + out + " --steps 3");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["lead_hours"], nlohmann::json({6.0, 12.0, 18.0}));
  int ncid = -1;
  ASSERT_EQ(nc_open(out.c_str(), NC_NOWRITE, &ncid), NC_NOERR);
  EXPECT_EQ(dimension_length(ncid, "time"), 72u);
  EXPECT_EQ(dimension_length(ncid, "lead_time"), 3u);
  EXPECT_EQ(dimension_length(ncid, "lat"), 5u);
  EXPECT_EQ(dimension_length(ncid, "lon"), 7u);
  int var = -1;
  ASSERT_EQ(nc_inq_varid(ncid, "t2m", &var), NC_NOERR);
  std::vector<float> values(72 * 3 * 35);
  ASSERT_EQ(nc_get_var_float(ncid, var, values.data()), NC_NOERR);
  // a few steps of training leave the forecast near the initial field (value 270 + t + ...)
  EXPECT_NEAR(values[0], test_support::grid_value(0, 0, 0), 5.0);
  nc_close(ncid);
}

TEST_F(WeatherCli, EvalPrintsModelPersistenceAndClimatology) {
  const std::string json_path = dir_ + "/scores.json";
  const auto r = run_tessera("eval weather --checkpoint " + checkpoint_ + " --input " + input_ +
                             " --lead-hours 1,6 --json " + json_path);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("persist"), std::string::npos) << r.out;
  std::ifstream in(json_path);
  const nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_EQ(j["initial_times"], 18);  // 2019-03-03 00:00 .. 17:00 reach +6 h within the test day
  ASSERT_EQ(j["scores"].size(), 6u);
  for (const auto& row : j["scores"]) {
    EXPECT_EQ(row["forecasts"], 18);
    EXPECT_TRUE(row["rmse"].is_number()) << row;
  }
  // persistence at 1 h: the fixture warms by exactly 1 K an hour everywhere
  EXPECT_NEAR(j["scores"][1]["rmse"].get<double>(), 1.0, 1e-4);
  EXPECT_NEAR(j["scores"][1]["bias"].get<double>(), -1.0, 1e-4);
}

struct BadCase {
  std::string name;
  std::string args;     // after the subcommand, with {dir} for the scratch folder
  std::string message;  // expected in the one line on stderr
};
void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

class WeatherCliBadInput : public WeatherCli, public ::testing::WithParamInterface<BadCase> {};

std::string expand(std::string s, const std::string& dir) {
  for (size_t at; (at = s.find("{dir}")) != std::string::npos;) s.replace(at, 5, dir);
  return s;
}

TEST_P(WeatherCliBadInput, ExitsTwoWithOneLineAndNoOutput) {
  const std::string bad = dir_ + "/bad";
  fs::create_directories(bad);
  GridSpec other_grid = three_days();
  other_grid.longitudes = {0, 2, 4, 6, 8, 10, 12};
  write_grid_file(bad + "/other_grid.nc", other_grid);
  GridSpec other_variable = three_days();
  other_variable.variable = "tas";
  write_grid_file(bad + "/tas.nc", other_variable);
  GridSpec short_grid = three_days();
  short_grid.latitudes = {60, 57};
  short_grid.times = {80};
  write_grid_file(bad + "/short_grid.nc", short_grid);
  std::ofstream(bad + "/notes.nc") << "lat,lon,t2m\n";
  {
    std::ifstream in(input_, std::ios::binary);
    std::vector<char> bytes(fs::file_size(input_) / 2);
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    std::ofstream(bad + "/half.nc", std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  std::ofstream(bad + "/not_a_checkpoint.h5") << "weights";
  write_grid_file(bad + "/all_missing.nc", three_days());
  {
    int ncid = -1, var = -1;
    ASSERT_EQ(nc_open((bad + "/all_missing.nc").c_str(), NC_WRITE, &ncid), NC_NOERR);
    nc_inq_varid(ncid, "t2m", &var);
    const float missing = -999;
    nc_redef(ncid);
    nc_put_att_float(ncid, var, "missing_value", NC_FLOAT, 1, &missing);
    nc_enddef(ncid);
    const std::vector<float> values(72 * 35, missing);
    nc_put_var_float(ncid, var, values.data());
    nc_close(ncid);
  }
  {
    test_support::NetcdfFixture f(bad + "/no_latitude.nc", NC_NETCDF4);
    const int y = f.coordinate("y", {1, 2}, {{"units", "m"}});
    const int lon = f.coordinate("lon", {1, 2}, {{"units", "degrees_east"}});
    const int v = f.variable("t2m", NC_FLOAT, {"y", "lon"});
    f.put(y, {1, 2});
    f.put(lon, {1, 2});
    f.put(v, {1, 2, 3, 4});
    f.close();
  }

  const std::string output = bad + "/out_" + GetParam().name + ".nc";
  std::string args = expand(GetParam().args, dir_);
  if (args.find("--checkpoint") == std::string::npos) args += " --checkpoint " + checkpoint_;
  for (const std::string& command : {"predict weather --output " + output + " ", std::string("eval weather ")}) {
    EXPECT_TRUE(one_line_error(run_tessera(command + args), 2, GetParam().message)) << command << args;
    EXPECT_FALSE(fs::exists(output)) << command;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, WeatherCliBadInput,
    ::testing::Values(
        BadCase{"MissingVariable", "--input {dir}/bad/tas.nc", "no variable 't2m' (has: tas)"},
        BadCase{"NotTheTrainedGrid", "--input {dir}/bad/other_grid.nc", "differs from the 5 x 7 latitude/longitude grid"},
        BadCase{"GridsDifferBetweenFiles", "--input {dir}/in.nc --input {dir}/bad/short_grid.nc", "grid differs from"},
        BadCase{"TruncatedFile", "--input {dir}/bad/half.nc", "truncated or corrupt NetCDF file"},
        BadCase{"NotNetcdf", "--input {dir}/bad/notes.nc", "not a NetCDF file"},
        BadCase{"MissingFile", "--input {dir}/bad/absent.nc", "no such file"},
        BadCase{"NoLatitude", "--input {dir}/bad/no_latitude.nc", "no latitude axis"},
        BadCase{"AllMissingField", "--input {dir}/bad/all_missing.nc", "'t2m' has no valid values"},
        BadCase{"NotACheckpoint", "--input {dir}/in.nc --checkpoint {dir}/bad/not_a_checkpoint.h5", "not_a_checkpoint.h5"}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return info.param.name; });

TEST_F(WeatherCli, PredictRefusesToOverwriteItsInput) {
  const auto before = fs::file_size(input_);
  const auto r = run_tessera("predict weather --checkpoint " + checkpoint_ + " --input " + input_ + " --output " + input_);
  EXPECT_TRUE(one_line_error(r, 2, "refusing to overwrite"));
  EXPECT_EQ(fs::file_size(input_), before);
}

TEST_F(WeatherCli, EvalLeadsBeyondTheTestPeriodIsOneLine) {
  const auto r = run_tessera("eval weather --checkpoint " + checkpoint_ + " --input " + input_);  // 24 h in a one-day period
  EXPECT_TRUE(one_line_error(r, 2, "no initial time has data at every lead"));
}

TEST_F(WeatherCli, PredictLeadNotMadeOfTrainedLeadsIsOneLine) {
  const std::string out = dir_ + "/odd.nc";
  const auto r = run_tessera("predict weather --checkpoint " + checkpoint_ + " --input " + input_ + " --output " + out +
                             " --step-hours 0.5");
  EXPECT_TRUE(one_line_error(r, 2, "is not a sum of the trained leads"));
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace tessera
