// `tessera audit bias` on a weather checkpoint: a tiny model trained on a fixture, audited by
// latitude band (terciles of the fixture's own range), hemisphere, lead time and, from a mask
// file, land and sea; every grid point of every forecast counted once per attribute.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "domains/weather/weather_bias_audit.h"
#include "tests/support/command.h"
#include "tests/support/one_line_error.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"
#include "tests/weather/netcdf_fixture.h"

namespace tessera {
namespace {

using nlohmann::json;
using test_support::one_line_error;
using test_support::run_tessera;

class WeatherAuditCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_.emplace();
    dir_ = scratch_->str();
    test_support::GridSpec s;
    s.latitudes = {60, 57, 54, 51, 48, 45};
    s.longitudes = {-6, -4, -2, 0, 2, 4};
    s.times.clear();
    for (int t = 0; t < 72; ++t) s.times.push_back(t);
    test_support::write_grid_file(dir_ + "/in.nc", s);
    // The mask: land in the western half.
    test_support::NetcdfFixture mask(dir_ + "/mask.nc", NC_NETCDF4);
    const int lat = mask.coordinate("lat", s.latitudes, {{"units", "degrees_north"}});
    const int lon = mask.coordinate("lon", s.longitudes, {{"units", "degrees_east"}});
    const int time = mask.coordinate("time", {0}, {{"units", "hours since 2019-03-01 00:00:00"}});
    const int lsm = mask.variable("lsm", NC_FLOAT, {"time", "lat", "lon"});
    std::vector<double> land;
    for (size_t y = 0; y < 6; ++y)
      for (size_t x = 0; x < 6; ++x) land.push_back(x < 3 ? 1.0 : 0.0);
    mask.put(lat, s.latitudes);
    mask.put(lon, s.longitudes);
    mask.put(time, {0});
    mask.put(lsm, land);
    mask.close();
    const auto r = run_tessera("train --config " TESSERA_SOURCE_DIR "/tests/configs/weather-tiny.yaml --run-dir " + dir_ +
                               "/run --set 'data.files=[" + dir_ + "/in.nc]'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::ofstream(dir_ + "/audit.yaml") << "domain: weather\ndata:\n  files: [" << dir_ << "/in.nc]\n  land_sea_mask: lsm\n"
                                        << "  land_sea_mask_files: [" << dir_ << "/mask.nc]\naudit:\n  bootstrap: 50\n"
                                        << "  min_group_size: 5\n";
  }
  static void TearDownTestSuite() { scratch_.reset(); }
  static inline std::optional<test_support::ScratchDir> scratch_;
  static inline std::string dir_;
};

TEST_F(WeatherAuditCli, EveryGridPointCountsOncePerAttribute) {
  const auto r = run_tessera("audit bias --checkpoint " + dir_ + "/run/checkpoints/last.h5 --config " + dir_ +
                             "/audit.yaml --output-dir " + dir_ + "/audit --no-carbon");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json a = json::parse(test_support::slurp(dir_ + "/audit/audit.json"));
  EXPECT_EQ(a["kind"], "regression");
  std::map<std::string, int64_t> total;
  std::set<std::string> groups;
  for (const auto& g : a["groups"]) {
    total[g["attribute"]] += g["n"].get<int64_t>();
    groups.insert(g["attribute"].get<std::string>() + "=" + g["group"].get<std::string>());
    EXPECT_TRUE(g["metrics"]["rmse"].is_number());
  }
  // Test day 2019-03-03: 24 hours, of which 18 have a 6 h target the same day; 36 points, 2 leads.
  const int64_t points = 18 * 36 * 2;
  for (const char* attribute : {"latitude_band", "hemisphere", "lead_time", "surface"}) EXPECT_EQ(total[attribute], points) << attribute;
  for (const char* g : {"lead_time=1 h", "lead_time=6 h", "surface=land", "surface=sea", "hemisphere=north",
                        "latitude_band=45.00N to 48.00N", "latitude_band=57.00N to 60.00N"})
    EXPECT_TRUE(groups.count(g)) << g;
}

TEST_F(WeatherAuditCli, BadConfigsAreOneLineErrors) {
  std::ofstream(dir_ + "/wrong.yaml") << "domain: text\ndata:\n  files: [" << dir_ << "/in.nc]\n";
  EXPECT_TRUE(one_line_error(run_tessera("audit bias --checkpoint " + dir_ + "/run/checkpoints/last.h5 --config " + dir_ +
                                         "/wrong.yaml --output-dir " + dir_ + "/w --no-carbon"),
                             2, "holds a weather model"));
  std::ofstream(dir_ + "/nomask.yaml") << "data:\n  files: [" << dir_ << "/in.nc]\n  land_sea_mask: lsm\n";
  EXPECT_TRUE(one_line_error(run_tessera("audit bias --checkpoint " + dir_ + "/run/checkpoints/last.h5 --config " + dir_ +
                                         "/nomask.yaml --output-dir " + dir_ + "/m --no-carbon"),
                             2, "lsm"));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/m/audit.json"));
}

TEST(WeatherAuditBands, ClimateBandsWhenTheGridSpansThemElseTerciles) {
  EXPECT_EQ(weather::latitude_bands({80, 45, 0, -45, -80}, "auto"),
            (std::vector<std::string>{"polar", "mid-latitudes", "tropics", "mid-latitudes", "polar"}));
  EXPECT_EQ(weather::latitude_bands({57, 54, 51}, "auto"),
            (std::vector<std::string>{"57.00N to 57.00N", "54.00N to 54.00N", "51.00N to 51.00N"}));
  EXPECT_EQ(weather::latitude_bands({57, 54, 51}, "climate"), (std::vector<std::string>(3, "mid-latitudes")));
}

}  // namespace
}  // namespace tessera
