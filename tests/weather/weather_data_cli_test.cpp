// `tessera data weather-demo` as a user runs it: a readable file and one JSON line, or one error line.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "domains/weather/field_dataset.h"
#include "tests/support/command.h"
#include "tests/support/one_line_error.h"
#include "tests/support/scratch_dir.h"

namespace tessera::weather {
namespace {

using test_support::one_line_error;
using test_support::run_tessera;

TEST(WeatherDataCli, WritesTheDemoFields) {
  const test_support::ScratchDir scratch;
  const std::string path = scratch.str() + "/demo.nc";
  const auto r = run_tessera("data weather-demo --output " + path + " --days 2 --seed 5");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["times"], 48);
  EXPECT_EQ(j["seed"], 5);
  EXPECT_EQ(read_fields({path}).times(), 48);
}

TEST(WeatherDataCli, BadRequestsAreOneLineWithExitCode2) {
  const test_support::ScratchDir scratch;
  const std::string dir = scratch.str();
  const auto no_folder = run_tessera("data weather-demo --output " + dir + "/absent/demo.nc --days 1");
  EXPECT_EQ(no_folder.exit_code, 2);
  EXPECT_EQ(no_folder.err, "tessera: error: " + dir + "/absent/demo.nc: folder '" + dir + "/absent' does not exist\n");
  EXPECT_TRUE(one_line_error(run_tessera("data weather-demo --output " + dir + "/demo.nc --days 0"), 2, "--days"));
  EXPECT_TRUE(std::filesystem::is_empty(dir));
}

}  // namespace
}  // namespace tessera::weather
