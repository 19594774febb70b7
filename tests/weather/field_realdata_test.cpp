// The reader on the real files in ../shared/data/weather; expected values come from the Python
// netCDF4 module (its own unpacking), latitude/longitude/time from ncdump.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/util/error.h"
#include "domains/weather/cf_time.h"
#include "domains/weather/field_dataset.h"
#include "tests/support/scratch_dir.h"
#include "tests/weather/netcdf_fixture.h"

namespace tessera::weather {
namespace {

std::string data_file(const std::string& name) {
  return std::string(TESSERA_SOURCE_DIR) + "/../shared/data/weather/" + name;
}

#define SKIP_WITHOUT(path) \
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "real data not found: " << (path)

TEST(FieldRealData, Era5HourlyTemperature) {
  const std::string path = data_file("era5_t2m_uk_2019-03_hourly.nc");
  SKIP_WITHOUT(path);
  const FieldDataset d = read_fields({path});
  ASSERT_EQ(d.times(), 744);
  ASSERT_EQ(d.num_channels(), 1);
  ASSERT_EQ(d.lats(), 33);
  ASSERT_EQ(d.lons(), 49);
  EXPECT_EQ(d.channels[0].name, "t2m");
  EXPECT_EQ(d.channels[0].attributes.at("units").text, "K");
  EXPECT_EQ(d.channels[0].attributes.at("long_name").text, "2 metre temperature");
  EXPECT_EQ(d.latitude.values.front(), 58);
  EXPECT_EQ(d.latitude.values.back(), 50);  // descending, as stored
  EXPECT_EQ(d.longitude.values.front(), -10);
  EXPECT_EQ(d.longitude.values.back(), 2);
  EXPECT_EQ(d.time.values.front(), 1044552);
  EXPECT_EQ(format_time(d.time_hours.front(), d.calendar), "2019-03-01T00:00");
  EXPECT_EQ(format_time(d.time_hours.back(), d.calendar), "2019-03-31T23:00");
  for (int64_t t = 1; t < d.times(); ++t) ASSERT_EQ(d.time_hours[t] - d.time_hours[t - 1], 1) << t;
  EXPECT_FLOAT_EQ(d.values[d.index(0, 0, 0, 0)], 282.4249136907586);
  EXPECT_FLOAT_EQ(d.values[d.index(743, 0, 32, 48)], 281.4546563730296);
  EXPECT_FLOAT_EQ(d.values[d.index(100, 0, 10, 20)], 278.3219533605981);
  EXPECT_FLOAT_EQ(d.values[d.index(600, 0, 5, 40)], 280.6245868240405);
  double sum = 0;
  for (float v : d.values) sum += v;
  EXPECT_NEAR(sum / double(d.values.size()), 280.77405844435816, 1e-3);
}

TEST(FieldRealData, EraInterimPackedShortsWithNanFill) {
  const std::string path = data_file("eraint_uvz.nc");
  SKIP_WITHOUT(path);
  const FieldDataset d = read_fields({path});
  ASSERT_EQ(d.times(), 2);
  ASSERT_EQ(d.lats(), 241);
  ASSERT_EQ(d.lons(), 480);
  ASSERT_EQ(d.num_channels(), 9);
  EXPECT_EQ(d.channels[0].name, "z@200");
  EXPECT_EQ(d.channels[2].name, "z@850");
  EXPECT_EQ(d.channels[3].name, "u@200");
  EXPECT_EQ(d.channels[8].name, "v@850");
  EXPECT_EQ(d.channels[0].attributes.at("units").text, "m**2 s**-2");
  EXPECT_EQ(d.level.values, (std::vector<double>{200, 500, 850}));
  EXPECT_EQ(d.time.name, "month");  // a bare index axis: kept, not decoded
  EXPECT_EQ(d.time.values, (std::vector<double>{1, 7}));
  EXPECT_TRUE(std::isnan(d.time_hours[0]));
  EXPECT_EQ(d.latitude.values.front(), 90);
  EXPECT_EQ(d.longitude.values.front(), -180);
  const int64_t z = 0, u = 3, v = 6;
  EXPECT_FLOAT_EQ(d.values[d.index(0, z, 0, 0)], 106837.51210858817);
  EXPECT_FLOAT_EQ(d.values[d.index(1, z + 2, 120, 240)], 14928.04864035891);
  EXPECT_FLOAT_EQ(d.values[d.index(0, z + 1, 200, 17)], 51979.91361472258);
  EXPECT_FLOAT_EQ(d.values[d.index(0, u, 0, 0)], 1.2817602469022766);
  EXPECT_FLOAT_EQ(d.values[d.index(1, u + 2, 120, 240)], -0.37429805285967177);
  EXPECT_FLOAT_EQ(d.values[d.index(0, v + 1, 200, 17)], 0.48457814502838303);
  for (float x : d.values) ASSERT_TRUE(std::isfinite(x));  // the NaN fill matches no short
}

TEST(FieldRealData, CmipFilesMergeByVariableWithBounds) {
  std::vector<std::string> paths;
  for (const char* n : {"tas", "uas", "vas"}) paths.push_back(data_file(std::string(n) + "_rectilinear_grid_2D.nc"));
  SKIP_WITHOUT(paths[0]);
  const FieldDataset d = read_fields(paths);
  ASSERT_EQ(d.num_channels(), 3);
  ASSERT_EQ(d.times(), 12);
  ASSERT_EQ(d.lats(), 96);
  ASSERT_EQ(d.lons(), 192);
  EXPECT_EQ(d.channels[0].name, "tas");
  EXPECT_EQ(d.channels[1].name, "uas");
  EXPECT_EQ(d.channels[2].attributes.at("units").text, "m s-1");
  EXPECT_EQ(d.calendar, "proleptic_gregorian");
  EXPECT_EQ(d.time.values.front(), 56628.5);
  EXPECT_EQ(format_time(d.time_hours.front(), d.calendar), "2005-01-16T12:00");
  ASSERT_EQ(d.latitude.bounds.size(), 192u);
  EXPECT_EQ(d.latitude.bounds[0], -90);
  EXPECT_NEAR(d.latitude.bounds[1], -87.64735031, 1e-8);
  EXPECT_EQ(d.longitude.bounds[0], -0.9375);
  ASSERT_EQ(d.time.bounds.size(), 24u);
  EXPECT_EQ(d.time.bounds[0], 56613);
  EXPECT_EQ(d.time.bounds[1], 56644);
  EXPECT_NEAR(d.latitude.values[0], -88.57216644, 1e-8);
  EXPECT_FLOAT_EQ(d.values[d.index(0, 0, 0, 0)], 239.09619140625);
  EXPECT_FLOAT_EQ(d.values[d.index(11, 0, 95, 191)], 249.3774871826172);
  EXPECT_FLOAT_EQ(d.values[d.index(5, 1, 48, 100)], -3.667616844177246);
  EXPECT_FLOAT_EQ(d.values[d.index(5, 2, 48, 100)], 1.2227048873901367);
}

TEST(FieldRealData, HalfOfARealFileIsTruncated) {
  for (const std::string name : {"era5_t2m_uk_2019-03_hourly.nc", "eraint_uvz.nc"}) {  // NetCDF-4 and NetCDF-3
    const std::string path = data_file(name);
    SKIP_WITHOUT(path);
    const test_support::ScratchDir scratch;
    const std::string half = scratch.str() + "/half_" + name;
    std::ifstream in(path, std::ios::binary);
    std::vector<char> bytes(static_cast<size_t>(std::filesystem::file_size(path) / 2));
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    std::ofstream(half, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    try {
      read_fields({half});
      ADD_FAILURE() << "accepted half of " << name;
    } catch (const DataError& e) {
      EXPECT_EQ(e.path(), half);
      EXPECT_EQ(std::string(e.what()).rfind("truncated or corrupt NetCDF file", 0), 0u) << e.what();
      std::printf("%s: %s\n", name.c_str(), e.what());
    }
  }
}

}  // namespace
}  // namespace tessera::weather
