// read_fields on small files written here with NetCDF-C: packing, fills, CF axis detection by
// attributes, groups, levels, calendars and multi-file merges, each value checked exactly.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "core/util/error.h"
#include "domains/weather/field_dataset.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"
#include "tests/weather/netcdf_fixture.h"

namespace tessera::weather {
namespace {

using test_support::GridSpec;
using test_support::NetcdfFixture;
using test_support::grid_value;
using test_support::ScratchDir;
using test_support::write_grid_file;

constexpr double kHours2019March1 = 430944;  // (2019-03-01 - 1970-01-01) in hours, from Python's datetime

TEST(FieldReader, ClassicFilePackedShortsDescendingLatitude) {
  const ScratchDir scratch;
  const std::string path = scratch.str() + "/era5_like.nc";
  NetcdfFixture f(path, 0);
  const int lon = f.coordinate("longitude", {0, 90, 180, 270}, {{"units", "degrees_east"}});
  const int lat = f.coordinate("latitude", {60, 55, 50}, {{"units", "degrees_north"}});
  const int time = f.coordinate("time", {1044552, 1044553}, {{"units", "hours since 1900-01-01 00:00:00.0"}, {"calendar", "gregorian"}});
  const int t2m = f.variable("t2m", NC_SHORT, {"time", "latitude", "longitude"});
  f.numbers(t2m, "scale_factor", NC_DOUBLE, {0.01});
  f.numbers(t2m, "add_offset", NC_DOUBLE, {280.0});
  f.numbers(t2m, "_FillValue", NC_SHORT, {-32767});
  f.numbers(t2m, "missing_value", NC_SHORT, {-32766});
  f.text(t2m, "units", "K");
  std::vector<double> raw;
  for (int k = 0; k < 24; ++k) raw.push_back(k * 37 - 400);
  raw[1] = -32767;
  raw[2] = -32766;
  f.put(lon, {0, 90, 180, 270});
  f.put(lat, {60, 55, 50});
  f.put(time, {1044552, 1044553});
  f.put(t2m, raw);
  f.close();

  const FieldDataset d = read_fields({path});
  ASSERT_EQ(d.times(), 2);
  ASSERT_EQ(d.num_channels(), 1);
  EXPECT_EQ(d.channels[0].name, "t2m");
  EXPECT_FALSE(d.channels[0].has_level);
  EXPECT_EQ(d.latitude.values, (std::vector<double>{60, 55, 50}));
  EXPECT_EQ(d.longitude.values, (std::vector<double>{0, 90, 180, 270}));
  EXPECT_EQ(d.time_hours, (std::vector<double>{kHours2019March1, kHours2019March1 + 1}));
  EXPECT_EQ(d.calendar, "standard");
  EXPECT_EQ(d.channels[0].attributes.at("units").text, "K");
  EXPECT_EQ(d.channels[0].attributes.count("scale_factor"), 0u);
  EXPECT_EQ(d.channels[0].attributes.count("_FillValue"), 0u);
  ASSERT_EQ(d.values.size(), raw.size());
  for (size_t k = 0; k < raw.size(); ++k) {
    if (k == 1 || k == 2)
      EXPECT_TRUE(std::isnan(d.values[k])) << k;
    else
      EXPECT_EQ(d.values[k], static_cast<float>(raw[k] * 0.01 + 280.0)) << k;
  }
}

// Rewrites the header entry `_FillValue: NC_SHORT, 1 value` as `NC_FLOAT, NaN` in place (both take
// 4 bytes in a NetCDF-3 header), giving the file ERA-Interim's float NaN fill on a short variable.
void make_fill_a_float_nan(const std::string& path) {
  const std::string bytes = test_support::slurp(path);
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  const std::string entry = std::string("_FillValue\0\0", 12) + std::string("\0\0\0\3\0\0\0\1\x80\x01\0\0", 12);
  const size_t at = bytes.find(entry);
  ASSERT_NE(at, std::string::npos);
  const std::string nan_float = std::string("\0\0\0\5\0\0\0\1\x7f\xc0\0\0", 12);
  file.seekp(static_cast<std::streamoff>(at + 12));
  file.write(nan_float.data(), static_cast<std::streamsize>(nan_float.size()));
}

TEST(FieldReader, NanFillOnPackedShortsLevelsAndABareMonthAxis) {
  // As ERA-Interim's file: _FillValue = NaN (a float) on shorts never matches a stored value.
  const ScratchDir scratch;
  const std::string path = scratch.str() + "/eraint_like.nc";
  NetcdfFixture f(path, NC_64BIT_OFFSET);
  const int lon = f.coordinate("longitude", {-180, -90, 0, 90}, {{"units", "degrees_east"}});
  const int lat = f.coordinate("latitude", {-10, 10}, {{"units", "degrees_north"}});
  f.dimension("level", 2);
  const int level = f.variable("level", NC_INT, {"level"});
  f.text(level, "units", "millibars");
  f.dimension("month", 2);
  const int month = f.variable("month", NC_INT, {"month"});
  const int u = f.variable("u", NC_SHORT, {"month", "level", "latitude", "longitude"});
  f.numbers(u, "scale_factor", NC_DOUBLE, {-0.5});
  f.numbers(u, "add_offset", NC_DOUBLE, {10});
  f.numbers(u, "_FillValue", NC_SHORT, {-32767});  // NetCDF-C refuses a float fill on shorts: patched below
  std::vector<double> raw;
  for (int k = 0; k < 32; ++k) raw.push_back(k - 16);
  raw[0] = -32767;
  f.put(lon, {-180, -90, 0, 90});
  f.put(lat, {-10, 10});
  f.put(level, {200, 500});
  f.put(month, {1, 7});
  f.put(u, raw);
  f.close();
  make_fill_a_float_nan(path);

  const FieldDataset d = read_fields({path});
  ASSERT_EQ(d.num_channels(), 2);
  EXPECT_EQ(d.channels[0].name, "u@200");
  EXPECT_EQ(d.channels[1].name, "u@500");
  EXPECT_EQ(d.channels[1].level, 500);
  EXPECT_EQ(d.level.values, (std::vector<double>{200, 500}));
  EXPECT_EQ(d.time.name, "month");
  EXPECT_EQ(d.time.values, (std::vector<double>{1, 7}));
  ASSERT_EQ(d.time_hours.size(), 2u);
  EXPECT_TRUE(std::isnan(d.time_hours[0]));  // no units: the axis is kept, not decoded
  EXPECT_EQ(d.longitude.values, (std::vector<double>{-180, -90, 0, 90}));
  EXPECT_EQ(d.channels[0].attributes.count("_FillValue"), 0u);
  // File order is [month][level][lat][lon], the same as [time][channel][lat][lon] here.
  for (size_t k = 0; k < raw.size(); ++k) EXPECT_EQ(d.values[k], static_cast<float>(raw[k] * -0.5 + 10)) << k;
}

TEST(FieldReader, Netcdf4GroupAxesFoundByAttributesNotNames) {
  const ScratchDir scratch;
  const std::string path = scratch.str() + "/grouped.nc";
  NetcdfFixture f(path, NC_NETCDF4);
  const int y = f.coordinate("y", {10, 20, 30}, {{"standard_name", "latitude"}, {"bounds", "y_bounds"}});
  f.dimension("two", 2);
  const int yb = f.variable("y_bounds", NC_DOUBLE, {"y", "two"});
  const int x = f.coordinate("x", {-180, 0}, {{"axis", "X"}, {"units", "degrees"}});
  const int t = f.coordinate("t", {59, 60}, {{"axis", "T"}, {"units", "days since 2000-01-01"}, {"calendar", "noleap"}});
  const int g = f.group("model");
  const int v = f.variable("temperature", NC_FLOAT, {"t", "y", "x"}, g);
  f.numbers(v, "_FillValue", NC_FLOAT, {1e20}, g);
  f.numbers(v, "valid_max", NC_FLOAT, {400}, g);
  f.text(v, "units", "K", g);
  std::vector<double> values;
  for (int k = 0; k < 12; ++k) values.push_back(250 + k);
  values[3] = 1e20;
  values[4] = 500;
  f.put(y, {10, 20, 30});
  f.put(yb, {5, 15, 15, 25, 25, 35});
  f.put(x, {-180, 0});
  f.put(t, {59, 60});
  f.put(v, values, g);
  f.close();

  const FieldDataset d = read_fields({path}, {"temperature"});
  ASSERT_EQ(d.num_channels(), 1);
  EXPECT_EQ(d.latitude.name, "y");
  EXPECT_EQ(d.longitude.name, "x");
  EXPECT_EQ(d.latitude.bounds, (std::vector<double>{5, 15, 15, 25, 25, 35}));
  EXPECT_EQ(d.calendar, "noleap");
  const double noleap_2000_03_01 = (30 * 365 + 59) * 24.0;  // no leap days anywhere
  EXPECT_EQ(d.time_hours, (std::vector<double>{noleap_2000_03_01, noleap_2000_03_01 + 24}));
  for (size_t k = 0; k < values.size(); ++k) {
    if (k == 3 || k == 4)
      EXPECT_TRUE(std::isnan(d.values[k])) << k;
    else
      EXPECT_EQ(d.values[k], static_cast<float>(values[k])) << k;
  }
}

TEST(FieldReader, DimensionsInAnyOrderAndStaticFields) {
  const ScratchDir scratch;
  const std::string path = scratch.str() + "/transposed.nc";
  NetcdfFixture f(path, NC_NETCDF4);
  const int lon = f.coordinate("lon", {0, 120, 240}, {{"units", "degrees_east"}});
  const int lat = f.coordinate("lat", {-45, 45}, {{"units", "degrees_north"}});
  const int time = f.coordinate("time", {0, 1}, {{"units", "hours since 2000-01-01"}});
  const int t2m = f.variable("t2m", NC_DOUBLE, {"lon", "time", "lat"});  // [x][t][y]
  const int orography = f.variable("orography", NC_DOUBLE, {"lat", "lon"});
  std::vector<double> values, heights;
  for (int x = 0; x < 3; ++x)
    for (int t = 0; t < 2; ++t)
      for (int y = 0; y < 2; ++y) values.push_back(100 * t + 10 * y + x);
  for (int k = 0; k < 6; ++k) heights.push_back(1000 + k);
  f.put(lon, {0, 120, 240});
  f.put(lat, {-45, 45});
  f.put(time, {0, 1});
  f.put(t2m, values);
  f.put(orography, heights);
  f.close();

  const FieldDataset d = read_fields({path});
  ASSERT_EQ(d.num_channels(), 2);
  ASSERT_EQ(d.times(), 2);
  for (int t = 0; t < 2; ++t)
    for (int y = 0; y < 2; ++y)
      for (int x = 0; x < 3; ++x) {
        EXPECT_EQ(d.values[d.index(t, 0, y, x)], 100 * t + 10 * y + x);
        EXPECT_EQ(d.values[d.index(t, 1, y, x)], 1000 + 3 * y + x);  // a field without time: every time step
      }
}

TEST(FieldReader, UnsignedShortsAndValidRangesInPackedOrUnpackedUnits) {
  const ScratchDir scratch;
  const std::string path = scratch.str() + "/unsigned.nc";
  NetcdfFixture f(path, 0);
  const int lat = f.coordinate("lat", {0}, {{"units", "degrees_north"}});
  const int lon = f.coordinate("lon", {0, 1, 2, 3}, {{"units", "degrees_east"}});
  const int v = f.variable("albedo", NC_SHORT, {"lat", "lon"});
  f.text(v, "_Unsigned", "true");
  f.numbers(v, "scale_factor", NC_FLOAT, {0.5});
  f.numbers(v, "valid_max", NC_SHORT, {40000 - 65536});  // the variable's type: packed units (40000)
  f.numbers(v, "valid_min", NC_FLOAT, {10});             // the scale's type: unpacked units
  f.put(lat, {0});
  f.put(lon, {0, 1, 2, 3});
  f.put(v, {-1, 500, 10, 39000 - 65536});  // stored 65535, 500, 10, 39000
  f.close();

  const FieldDataset d = read_fields({path});
  EXPECT_TRUE(std::isnan(d.values[0]));  // 65535 > valid_max
  EXPECT_EQ(d.values[1], 250);
  EXPECT_TRUE(std::isnan(d.values[2]));  // 10 * 0.5 = 5 < valid_min
  EXPECT_EQ(d.values[3], 19500);
}

TEST(FieldReader, ThreeSixtyDayMonthsDecode) {
  GridSpec spec;
  spec.times = {0, 1, 13};
  spec.time_units = "months since 2000-01-01";
  spec.calendar = "360_day";
  const ScratchDir scratch;
  const std::string path = scratch.str() + "/months.nc";
  write_grid_file(path, spec);
  const FieldDataset d = read_fields({path});
  const double start = 30 * 360 * 24.0;
  EXPECT_EQ(d.time_hours, (std::vector<double>{start, start + 30 * 24, start + 13 * 30 * 24}));
  EXPECT_EQ(d.calendar, "360_day");
}

TEST(FieldReader, FilesSplitInTimeAreSortedAndJoined) {
  const ScratchDir scratch;
  const std::string dir = scratch.str();
  GridSpec later;
  later.times = {6, 12};
  GridSpec earlier;
  earlier.times = {1};
  earlier.time_units = "days since 2019-02-28";
  earlier.format = 0;  // a NetCDF-3 file beside a NetCDF-4 one
  write_grid_file(dir + "/later.nc", later);
  write_grid_file(dir + "/earlier.nc", earlier);

  const FieldDataset d = read_fields({dir + "/later.nc", dir + "/earlier.nc"});
  ASSERT_EQ(d.times(), 3);
  EXPECT_EQ(d.time_hours, (std::vector<double>{kHours2019March1, kHours2019March1 + 6, kHours2019March1 + 12}));
  EXPECT_EQ(d.time.values, (std::vector<double>{0, 6, 12}));  // in the first file's units
  EXPECT_EQ(d.time.attributes.at("units").text, later.time_units);
  for (size_t y = 0; y < 3; ++y)
    for (size_t x = 0; x < 4; ++x) {
      EXPECT_EQ(d.values[d.index(0, 0, y, x)], static_cast<float>(grid_value(0, y, x)));
      EXPECT_EQ(d.values[d.index(1, 0, y, x)], static_cast<float>(grid_value(0, y, x)));
      EXPECT_EQ(d.values[d.index(2, 0, y, x)], static_cast<float>(grid_value(1, y, x)));
    }
}

TEST(FieldReader, FilesWithDifferentVariablesAreMerged) {
  const ScratchDir scratch;
  const std::string dir = scratch.str();
  GridSpec temperature;
  GridSpec wind;
  wind.variable = "u10";
  write_grid_file(dir + "/t2m.nc", temperature);
  write_grid_file(dir + "/u10.nc", wind);
  const FieldDataset d = read_fields({dir + "/t2m.nc", dir + "/u10.nc"});
  ASSERT_EQ(d.num_channels(), 2);
  EXPECT_EQ(d.channels[0].name, "t2m");
  EXPECT_EQ(d.channels[1].name, "u10");
  EXPECT_EQ(d.times(), 2);
  EXPECT_EQ(d.values[d.index(1, 1, 2, 3)], static_cast<float>(grid_value(1, 2, 3)));

  const FieldDataset only_wind = read_fields({dir + "/t2m.nc", dir + "/u10.nc"}, {"u10"});
  EXPECT_EQ(only_wind.num_channels(), 1);
}

TEST(FieldReader, OverlappingTimesAreRejected) {
  const ScratchDir scratch;
  const std::string dir = scratch.str();
  GridSpec a;
  GridSpec b;
  b.times = {6, 12};
  write_grid_file(dir + "/a.nc", a);
  write_grid_file(dir + "/b.nc", b);
  try {
    read_fields({dir + "/a.nc", dir + "/b.nc"});
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_EQ(e.path(), dir + "/b.nc");
    EXPECT_EQ(std::string(e.what()), "'t2m' at 2019-03-01T06:00 is also in " + dir + "/a.nc");
  }
}

TEST(FieldReader, AGapInOneVariableNamesItsFile) {
  const ScratchDir scratch;
  const std::string dir = scratch.str();
  GridSpec temperature;
  GridSpec wind;
  wind.variable = "u10";
  wind.times = {0};
  write_grid_file(dir + "/t2m.nc", temperature);
  write_grid_file(dir + "/u10.nc", wind);
  try {
    read_fields({dir + "/t2m.nc", dir + "/u10.nc"});
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_EQ(e.path(), dir + "/u10.nc");
    EXPECT_EQ(std::string(e.what()), "'u10' has no data at 2019-03-01T06:00, which other files have");
  }
}

TEST(FieldReader, GridsWithinToleranceAreTheSame) {
  const ScratchDir scratch;
  const std::string dir = scratch.str();
  GridSpec a;
  GridSpec b;
  b.times = {12};
  b.latitudes = {60.00001, 55, 50};  // a float copy of the same grid
  write_grid_file(dir + "/a.nc", a);
  write_grid_file(dir + "/b.nc", b);
  EXPECT_EQ(read_fields({dir + "/a.nc", dir + "/b.nc"}).times(), 3);
}

// NaN that is not the declared missing value, +-Inf and doubles beyond float's range are missing values.
TEST(FieldReader, NonFiniteValuesAreMissing) {
  const ScratchDir scratch;
  const std::string dir = scratch.str();
  GridSpec spec;
  spec.type = NC_DOUBLE;
  write_grid_file(dir + "/in.nc", spec);
  int ncid = -1, var = -1;
  ASSERT_EQ(nc_open((dir + "/in.nc").c_str(), NC_WRITE, &ncid), NC_NOERR);
  nc_inq_varid(ncid, "t2m", &var);
  const double fill = -999;
  nc_redef(ncid);
  nc_put_att_double(ncid, var, "missing_value", NC_DOUBLE, 1, &fill);
  nc_enddef(ncid);
  const std::vector<std::pair<size_t, double>> bad = {
      {1, INFINITY}, {2, -INFINITY}, {3, NAN}, {4, 1e39}, {5, -1e39}, {6, fill}};
  for (const auto& [flat, value] : bad) {
    const size_t index[3] = {0, flat / 4, flat % 4};
    ASSERT_EQ(nc_put_var1_double(ncid, var, index, &value), NC_NOERR);
  }
  nc_close(ncid);
  const FieldDataset d = read_fields({dir + "/in.nc"});
  for (size_t flat = 0; flat < 12; ++flat) {
    const float v = d.values[d.index(0, 0, static_cast<int64_t>(flat / 4), static_cast<int64_t>(flat % 4))];
    if (flat >= 1 && flat <= 6) EXPECT_TRUE(std::isnan(v)) << flat << ": " << v;
    else EXPECT_FLOAT_EQ(v, static_cast<float>(grid_value(0, flat / 4, flat % 4))) << flat;
  }
}

}  // namespace
}  // namespace tessera::weather
