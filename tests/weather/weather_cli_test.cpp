// The weather domain through the `tessera` executable: a tiny model trained for a few steps on a
// fixture file, then predict and eval weather; every bad input is exit code 2, one line on
// stderr, nothing on stdout and no output file.
#include <gtest/gtest.h>
#include <netcdf.h>
#include <sys/stat.h>

#include <algorithm>
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
using test_support::three_days;
using test_support::write_grid_file;

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
  EXPECT_NE(r.err.find("persistence"), std::string::npos) << r.err;  // the table, for people
  std::ifstream in(json_path);
  const nlohmann::json j = nlohmann::json::parse(in);
  // One JSON line on stdout, the same scores as the --json file.
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out), j);
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
  GridSpec south_to_north = three_days();
  south_to_north.latitudes = {48, 51, 54, 57, 60};
  write_grid_file(bad + "/south_to_north.nc", south_to_north);
  GridSpec four_latitudes = three_days();
  four_latitudes.latitudes = {60, 57, 54, 51};
  write_grid_file(bad + "/four_latitudes.nc", four_latitudes);
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
        BadCase{"NotTheTrainedGrid", "--input {dir}/bad/other_grid.nc",
                "longitude 0 is 0; the model was trained on -6 there (longitudes 0 .. 12 vs -6 .. 6)"},
        BadCase{"ReversedLatitudes", "--input {dir}/bad/south_to_north.nc",
                "its latitudes run 48 .. 60; the model was trained on 60 .. 48 (the reverse order)"},
        BadCase{"FewerLatitudes", "--input {dir}/bad/four_latitudes.nc",
                "has 4 latitudes (60 .. 51); the model was trained on 5 (60 .. 48)"},
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

// Both commands run a model, so both take --device, and an unusable one is refused before any work.
TEST_F(WeatherCli, PredictAndEvalCheckTheirDeviceFirst) {
  const std::string output = dir_ + "/device_forecast.nc";
  for (const std::string& command : {"predict weather --output " + output, std::string("eval weather")}) {
    const auto r = run_tessera(command + " --checkpoint " + checkpoint_ + " --input " + input_ + " --device cuda:7");
    EXPECT_TRUE(one_line_error(r, 2, "tessera: error: --device: ")) << command;
    EXPECT_FALSE(fs::exists(output));
  }
}

// `info` knows nothing of weather: the registry names the domain and rebuilds its model.
TEST_F(WeatherCli, InfoVerifyRebuildsTheModelThroughItsDomain) {
  const auto r = run_tessera("info --verify --checkpoint " + checkpoint_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["domain"], "weather");
  EXPECT_EQ(j["verified"], true);
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

// ---- data safety (issue 12): outputs never destroy a file, hostile numbers are refused ----

struct UnsafeCase {
  std::string name;
  std::string args;     // the whole command line; {dir}, {ckpt}, {in} expand
  std::string message;  // expected in the one line on stderr
};
void PrintTo(const UnsafeCase& c, std::ostream* os) { *os << c.name; }

class WeatherCliUnsafe : public WeatherCli, public ::testing::WithParamInterface<UnsafeCase> {};

TEST_P(WeatherCliUnsafe, RefusedWithOneLineAndNothingChanged) {
  const std::string safety = dir_ + "/safety";
  fs::create_directories(safety + "/a_directory.nc");
  if (!fs::exists(safety + "/fifo.nc")) {
    ASSERT_EQ(::mkfifo((safety + "/fifo.nc").c_str(), 0644), 0);
  }
  const auto checkpoint_bytes = fs::file_size(checkpoint_), input_bytes = fs::file_size(input_);
  std::string args = expand(GetParam().args, dir_);
  for (const auto& [key, value] : {std::pair<std::string, std::string>{"{ckpt}", checkpoint_}, {"{in}", input_}})
    for (size_t at; (at = args.find(key)) != std::string::npos;) args.replace(at, key.size(), value);
  EXPECT_TRUE(one_line_error(run_tessera(args), 2, expand(GetParam().message, dir_))) << args;
  EXPECT_EQ(fs::file_size(checkpoint_), checkpoint_bytes);
  EXPECT_EQ(fs::file_size(input_), input_bytes);
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
  EXPECT_TRUE(fs::is_fifo(safety + "/fifo.nc"));
  EXPECT_TRUE(fs::is_directory(safety + "/a_directory.nc"));
}

const std::string kPredict = "predict weather --checkpoint {ckpt} --input {in} ";
const std::string kEval = "eval weather --checkpoint {ckpt} --input {in} --lead-hours 1 ";

INSTANTIATE_TEST_SUITE_P(
    Table, WeatherCliUnsafe,
    ::testing::Values(
        UnsafeCase{"PredictOntoDevNull", kPredict + "--output /dev/null",
                   "/dev/null: exists and is a character device; refusing to replace it"},
        UnsafeCase{"PredictOntoFifo", kPredict + "--output {dir}/safety/fifo.nc", "exists and is a FIFO"},
        UnsafeCase{"PredictOntoDirectory", kPredict + "--output {dir}/safety/a_directory.nc", "exists and is a directory"},
        UnsafeCase{"PredictOntoCheckpoint", kPredict + "--output {ckpt}", "refusing to overwrite it"},
        UnsafeCase{"PredictIntoMissingFolder", kPredict + "--output {dir}/nowhere/f.nc", "folder '{dir}/nowhere' does not exist"},
        UnsafeCase{"PredictEmptyOutput", kPredict + "--output ''", "--output: is empty"},
        UnsafeCase{"PredictNameTooLong", kPredict + "--output {dir}/safety/" + std::string(250, 'f') + ".nc",
                   "file name is too long (253 bytes; at most 239)"},
        UnsafeCase{"EvalJsonOntoCheckpoint", kEval + "--json {ckpt}", "refusing to overwrite it"},
        UnsafeCase{"EvalJsonOntoInput", kEval + "--json {in}", "refusing to overwrite it"},
        UnsafeCase{"EvalJsonOntoDevNull", kEval + "--json /dev/null", "exists and is a character device"},
        UnsafeCase{"EvalJsonIntoMissingFolder", kEval + "--json {dir}/nowhere/s.json", "does not exist"},
        UnsafeCase{"DemoOntoDevNull", "data weather-demo --days 1 --output /dev/null", "exists and is a character device"},
        UnsafeCase{"DemoOntoFifo", "data weather-demo --days 1 --output {dir}/safety/fifo.nc", "exists and is a FIFO"},
        UnsafeCase{"DemoSeedNegative", "data weather-demo --days 1 --seed -1 --output {dir}/safety/d.nc", "--seed"},
        UnsafeCase{"StepHoursNan", kPredict + "--output {dir}/safety/n.nc --step-hours nan", "must be a finite number"},
        UnsafeCase{"StepHoursHuge", kPredict + "--output {dir}/safety/h.nc --step-hours 1e15", "model steps"},
        UnsafeCase{"LeadHoursNan", kEval + "--lead-hours nan", "must be a finite number"},
        UnsafeCase{"LeadHoursNegative", kEval + "--lead-hours -6", "--lead-hours"},
        UnsafeCase{"DeviceIndexOverflow", kEval + "--device cuda:99999999999", "unknown device 'cuda:99999999999'"},
        UnsafeCase{"UnknownDomainCommand", "predict frob --output x", "'tessera predict frob' is not a command"},
        UnsafeCase{"UnknownCommand", "frob", "'tessera frob' is not a command (tessera has: "}),
    [](const ::testing::TestParamInfo<UnsafeCase>& info) { return info.param.name; });

// A result that cannot be written (a full disk behind stdout) fails; it is not reported as done.
TEST_F(WeatherCli, ResultOntoAFullDiskFails) {
  // Grouped, so that run_shell's own redirection of the group leaves tessera's stdout on /dev/full.
  const auto r = test_support::run_shell("{ " + std::string(TESSERA_BINARY) + " eval weather --checkpoint " + checkpoint_ +
                                         " --input " + input_ + " --lead-hours 1 > /dev/full; }");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("tessera: error: stdout: cannot write the result"), std::string::npos) << r.err;
}

// An input without a time in the model's test period is scored whole, and when that fails too
// the note about it does not come before the error: one line.
TEST_F(WeatherCli, EvalOfAOneStepFileIsOneLine) {
  GridSpec one = three_days();
  one.times = {0};
  const std::string file = dir_ + "/one_step.nc";
  write_grid_file(file, one);
  EXPECT_TRUE(one_line_error(
      run_tessera("eval weather --checkpoint " + checkpoint_ + " --input " + file + " --lead-hours 1"), 2,
      "no initial time has data at every lead"));
}

// Leads of 1 .. K steps cost K model steps, not K^2 / 2: 4,000 steps from one initial time run
// well inside the test's time limit, and each lead continues the one before.
TEST_F(WeatherCli, LongRolloutIsLinear) {
  GridSpec one = three_days();
  one.times = {0};
  const std::string file = dir_ + "/one_init.nc", out = dir_ + "/long.nc";
  write_grid_file(file, one);
  const auto r = run_tessera("predict weather --checkpoint " + checkpoint_ + " --input " + file + " --output " + out +
                             " --steps 4000");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["lead_hours"].size(), 4000u);
  EXPECT_EQ(j["model_steps"], 4000) << "each lead continues the previous one's rollout";
}

}  // namespace
}  // namespace tessera
