// `tessera data weather-demo` as a user runs it: a readable file and one JSON line, or one error line.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "domains/weather/field_dataset.h"
#include "tests/cli/run_command.h"
#include "tests/weather/netcdf_fixture.h"

namespace tessera::weather {
namespace {

using test_support::run_tessera;

TEST(WeatherDataCli, WritesTheDemoFields) {
  const std::string path = test_support::scratch_dir("cli_demo") + "/demo.nc";
  const auto r = run_tessera("data weather-demo --output " + path + " --days 2 --seed 5");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["times"], 48);
  EXPECT_EQ(j["seed"], 5);
  EXPECT_EQ(read_fields({path}).times(), 48);
}

TEST(WeatherDataCli, BadRequestsAreOneLineWithExitCode2) {
  const std::string dir = test_support::scratch_dir("cli_demo_bad");
  const auto no_folder = run_tessera("data weather-demo --output " + dir + "/absent/demo.nc --days 1");
  EXPECT_EQ(no_folder.exit_code, 2);
  EXPECT_EQ(no_folder.err, "tessera: error: " + dir + "/absent/demo.nc: folder " + dir + "/absent does not exist\n");
  const auto zero_days = run_tessera("data weather-demo --output " + dir + "/demo.nc --days 0");
  EXPECT_EQ(zero_days.exit_code, 2);
  EXPECT_NE(zero_days.err.find("--days"), std::string::npos) << zero_days.err;
  EXPECT_TRUE(std::filesystem::is_empty(dir));
}

}  // namespace
}  // namespace tessera::weather
