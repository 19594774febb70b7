// The bad-input table: each broken input gives one DataError line naming the right file.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>

#include "core/util/error.h"
#include "domains/weather/field_dataset.h"
#include "tests/support/scratch_dir.h"
#include "tests/weather/netcdf_fixture.h"

namespace tessera::weather {
namespace {

using test_support::GridSpec;
using test_support::NetcdfFixture;
using test_support::ScratchDir;
using test_support::write_grid_file;

struct BadInput {
  std::string name;
  // Writes the inputs into `dir`; returns the paths to read and the variables to ask for.
  std::function<std::pair<std::vector<std::string>, std::vector<std::string>>(const std::string& dir)> make;
  std::string blamed_file;  // relative to dir
  std::string message;      // exact, or a prefix when it ends in "..."
};

void copy_prefix(const std::string& from, const std::string& to, double fraction) {
  const auto size = std::filesystem::file_size(from);
  std::ifstream in(from, std::ios::binary);
  std::vector<char> bytes(static_cast<size_t>(double(size) * fraction));
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  std::ofstream(to, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A grid file whose coordinate `name` carries only the given units (so it is not recognized).
std::vector<std::string> file_with_unrecognized(const std::string& dir, const std::string& axis) {
  const std::string path = dir + "/in.nc";
  NetcdfFixture f(path, NC_NETCDF4);
  const int lat = f.coordinate("lat", {1, 2}, {{"units", axis == "lat" ? "m" : "degrees_north"}});
  const int lon = f.coordinate("lon", {1, 2}, {{"units", axis == "lon" ? "m" : "degrees_east"}});
  const int v = f.variable("t2m", NC_FLOAT, {"lat", "lon"});
  f.put(lat, {1, 2});
  f.put(lon, {1, 2});
  f.put(v, {1, 2, 3, 4});
  f.close();
  return {path};
}

// t2m whose every value (or every value at the second time) is its missing_value.
std::vector<std::string> file_with_missing(const std::string& dir, bool only_second_time) {
  const std::string path = dir + "/in.nc";
  write_grid_file(path, GridSpec{});
  int ncid = -1, varid = -1;
  nc_open(path.c_str(), NC_WRITE, &ncid);
  nc_inq_varid(ncid, "t2m", &varid);
  const float missing = -999;
  nc_put_att_float(ncid, varid, "missing_value", NC_FLOAT, 1, &missing);
  std::vector<float> values(24, 300);
  std::fill(values.begin() + (only_second_time ? 12 : 0), values.end(), missing);
  nc_put_var_float(ncid, varid, values.data());
  nc_close(ncid);
  return {path};
}

using Inputs = std::pair<std::vector<std::string>, std::vector<std::string>>;

// The default grid with one more numeric attribute on t2m.
Inputs file_with_attribute(const std::string& dir, const char* name, nc_type type, const std::vector<double>& values) {
  const std::string path = dir + "/in.nc";
  write_grid_file(path, GridSpec{});
  int ncid = -1, varid = -1;
  nc_open(path.c_str(), NC_WRITE, &ncid);
  nc_inq_varid(ncid, "t2m", &varid);
  nc_redef(ncid);
  nc_put_att_double(ncid, varid, name, type, values.size(), values.data());
  nc_close(ncid);
  return {{path}, {}};
}

// t2m (double) holding `value` everywhere, with no missing-data attributes.
std::vector<std::string> file_of_one_value(const std::string& dir, double value) {
  const std::string path = dir + "/in.nc";
  GridSpec spec;
  spec.type = NC_DOUBLE;
  write_grid_file(path, spec);
  int ncid = -1, varid = -1;
  nc_open(path.c_str(), NC_WRITE, &ncid);
  nc_inq_varid(ncid, "t2m", &varid);
  const std::vector<double> values(24, value);
  nc_put_var_double(ncid, varid, values.data());
  nc_close(ncid);
  return {path};
}

GridSpec changed(const std::function<void(GridSpec&)>& change) {
  GridSpec spec;
  change(spec);
  return spec;
}

Inputs one_file(const std::string& dir, const GridSpec& spec, std::vector<std::string> variables = {}) {
  write_grid_file(dir + "/in.nc", spec);
  return {{dir + "/in.nc"}, std::move(variables)};
}

// a.nc with the default grid, then b.nc as given, at a later time.
Inputs two_files(const std::string& dir, GridSpec second) {
  second.times = {12};
  write_grid_file(dir + "/a.nc", GridSpec{});
  write_grid_file(dir + "/b.nc", second);
  return {{dir + "/a.nc", dir + "/b.nc"}, {}};
}

// The first half of a 200-step file's bytes.
Inputs half_file(const std::string& dir, int format) {
  GridSpec big;
  big.format = format;
  big.times.resize(200);
  for (size_t t = 0; t < big.times.size(); ++t) big.times[t] = double(t);
  write_grid_file(dir + "/full.nc", big);
  copy_prefix(dir + "/full.nc", dir + "/half.nc", 0.5);
  return {{dir + "/half.nc"}, {}};
}

Inputs text_file(const std::string& path, const std::string& content) {
  std::ofstream(path) << content;
  return {{path}, {}};
}

std::vector<BadInput> table() {
  const std::string lat_clues = "(looked for standard_name latitude, axis Y, units degrees_north)";
  return {
      {"MissingFile", [](const std::string& dir) { return Inputs{{dir + "/absent.nc"}, {}}; }, "absent.nc", "no such file"},
      {"MissingVariable", [](const std::string& dir) { return one_file(dir, GridSpec{}, {"u10"}); }, "in.nc",
       "no variable 'u10' (has: t2m)"},
      {"NoLatitude", [](const std::string& dir) { return Inputs{file_with_unrecognized(dir, "lat"), {}}; }, "in.nc",
       "no latitude axis " + lat_clues},
      {"NoLongitude", [](const std::string& dir) { return Inputs{file_with_unrecognized(dir, "lon"), {}}; }, "in.nc",
       "no longitude axis (looked for standard_name longitude, axis X, units degrees_east)"},
      {"RequestedVariableWithoutLatitude",
       [](const std::string& dir) { return Inputs{file_with_unrecognized(dir, "lat"), {"t2m"}}; }, "in.nc",
       "variable 't2m' has no latitude axis " + lat_clues},
      {"DifferentGridSizes",
       [](const std::string& dir) { return two_files(dir, changed([](GridSpec& s) { s.latitudes = {60, 55}; })); },
       "b.nc", "grid differs from {dir}/a.nc: latitude has 2 points here, 3 there"},
      {"DifferentLongitudes",
       [](const std::string& dir) { return two_files(dir, changed([](GridSpec& s) { s.longitudes = {0, 90, 180, 271}; })); },
       "b.nc", "grid differs from {dir}/a.nc: longitude[3] is 271 here, 270 there"},
      {"LongitudesFromAnotherStart",
       [](const std::string& dir) { return two_files(dir, changed([](GridSpec& s) { s.longitudes = {-180, -90, 0, 90}; })); },
       "b.nc", "grid differs from {dir}/a.nc: longitudes run -180..90 here, 0..270 there (the same meridians, starting elsewhere)"},
      {"LatitudesReversed",
       [](const std::string& dir) { return two_files(dir, changed([](GridSpec& s) { s.latitudes = {50, 55, 60}; })); },
       "b.nc", "grid differs from {dir}/a.nc: latitudes run south to north here, north to south there"},
      {"NanLatitude", [](const std::string& dir) { return one_file(dir, changed([](GridSpec& s) { s.latitudes = {60, NAN, 50}; })); },
       "in.nc", "latitude 'lat' has NaN at index 1"},
      {"LatitudeBeyondThePole",
       [](const std::string& dir) { return one_file(dir, changed([](GridSpec& s) { s.latitudes = {95, 55, 50}; })); }, "in.nc",
       "latitude 'lat' has 95 at index 0, outside [-90, 90]"},
      {"DuplicateLatitude",
       [](const std::string& dir) { return one_file(dir, changed([](GridSpec& s) { s.latitudes = {60, 57.5, 57.5}; })); },
       "in.nc", "duplicate latitude 57.5 in 'lat' (indices 1 and 2)"},
      {"LatitudesOutOfOrder",
       [](const std::string& dir) { return one_file(dir, changed([](GridSpec& s) { s.latitudes = {60, 50, 55}; })); }, "in.nc",
       "latitude 'lat' is not monotonic: it decreases from 60 to 50, then increases to 55 at index 2"},
      {"InfiniteLongitude",
       [](const std::string& dir) { return one_file(dir, changed([](GridSpec& s) { s.longitudes = {0, 90, INFINITY, 270}; })); },
       "in.nc", "longitude 'lon' has +Inf at index 2"},
      {"LongitudeBeyond360",
       [](const std::string& dir) { return one_file(dir, changed([](GridSpec& s) { s.longitudes = {0, 90, 180, 400}; })); },
       "in.nc", "longitude 'lon' has 400 at index 3, outside [-360, 360]"},
      {"LongitudesWrapAround",
       [](const std::string& dir) { return one_file(dir, changed([](GridSpec& s) { s.longitudes = {180, 270, 0, 90}; })); },
       "in.nc", "longitude 'lon' is not monotonic: it increases from 180 to 270, then decreases to 0 at index 2"},
      {"LongitudeCyclicPoint",
       [](const std::string& dir) { return one_file(dir, changed([](GridSpec& s) { s.longitudes = {0, 120, 240, 360}; })); },
       "in.nc", "longitude 'lon' holds a meridian twice: 360 at index 3 and 0 at index 0 (drop the cyclic point)"},
      {"EmptyLatitude", [](const std::string& dir) { return one_file(dir, changed([](GridSpec& s) { s.latitudes = {}; })); },
       "in.nc", "latitude 'lat' has no points"},
      {"EmptyTime", [](const std::string& dir) { return one_file(dir, changed([](GridSpec& s) { s.times = {}; })); }, "in.nc",
       "time 'time' has no points"},
      {"NanScaleFactor", [](const std::string& dir) { return file_with_attribute(dir, "scale_factor", NC_FLOAT, {NAN}); },
       "in.nc", "'t2m' has scale_factor = NaN; it must be a finite number"},
      {"InfiniteValidMin", [](const std::string& dir) { return file_with_attribute(dir, "valid_min", NC_DOUBLE, {-INFINITY}); },
       "in.nc", "'t2m' has valid_min = -Inf; it must be a finite number"},
      {"ZeroScaleFactor", [](const std::string& dir) { return file_with_attribute(dir, "scale_factor", NC_FLOAT, {0}); },
       "in.nc", "'t2m' has scale_factor = 0, which would make every value its add_offset"},
      {"ValidRangeReversed", [](const std::string& dir) { return file_with_attribute(dir, "valid_range", NC_FLOAT, {300, 200}); },
       "in.nc", "'t2m' has valid_range 300, 200: the minimum is above the maximum"},
      {"NanTime", [](const std::string& dir) { return one_file(dir, changed([](GridSpec& s) { s.times = {0, NAN}; })); },
       "in.nc", "time 'time' has NaN at index 1"},
      {"DifferentCalendars",
       [](const std::string& dir) { return two_files(dir, changed([](GridSpec& s) { s.calendar = "noleap"; })); }, "b.nc",
       "calendar 'noleap' differs from 'standard' in {dir}/a.nc"},
      {"AllMissingField", [](const std::string& dir) { return Inputs{file_with_missing(dir, false), {}}; }, "in.nc",
       "'t2m' has no valid values (all _FillValue, missing_value, outside the valid range, NaN or infinite)"},
      {"AllInfinite", [](const std::string& dir) { return Inputs{file_of_one_value(dir, INFINITY), {}}; }, "in.nc",
       "'t2m' has no valid values (all _FillValue, missing_value, outside the valid range, NaN or infinite)"},
      {"OneTimeAllMissing", [](const std::string& dir) { return Inputs{file_with_missing(dir, true), {}}; }, "in.nc",
       "'t2m' is entirely missing at 2019-03-01T06:00"},
      {"TruncatedNetcdf4", [](const std::string& dir) { return half_file(dir, NC_NETCDF4); }, "half.nc",
       "truncated or corrupt NetCDF file (..."},
      {"TruncatedNetcdf3", [](const std::string& dir) { return half_file(dir, 0); }, "half.nc",
       "truncated or corrupt NetCDF file (..."},
      {"TextRenamedNc",
       [](const std::string& dir) { return text_file(dir + "/notes.nc", "time,lat,lon,t2m\n0,50,0,280\n"); },
       "notes.nc", "not a NetCDF file"},
      {"EmptyFile", [](const std::string& dir) { return text_file(dir + "/empty.nc", ""); }, "empty.nc", "not a NetCDF file"},
      {"AmbiguousTimeUnits",
       [](const std::string& dir) { return one_file(dir, changed([](GridSpec& s) { s.time_units = "months since 2019-01-01"; })); },
       "in.nc", "time axis 'time': time unit 'months' has no fixed length in the standard calendar; use days or hours"},
      {"UnknownCalendar",
       [](const std::string& dir) { return one_file(dir, changed([](GridSpec& s) { s.calendar = "lunar"; })); }, "in.nc",
       "time axis 'time': unknown calendar 'lunar' (..."},
  };
}

void PrintTo(const BadInput& c, std::ostream* os) { *os << c.name; }

class FieldBadInput : public testing::TestWithParam<BadInput> {};

TEST_P(FieldBadInput, OneLineNamingTheFile) {
  const BadInput& c = GetParam();
  const ScratchDir scratch;
  const std::string dir = scratch.str();
  const auto [paths, variables] = c.make(dir);
  std::string expected = c.message;
  if (auto at = expected.find("{dir}"); at != std::string::npos) expected.replace(at, 5, dir);
  try {
    read_fields(paths, variables);
    FAIL() << "accepted";
  } catch (const DataError& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.path(), dir + "/" + c.blamed_file);
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    if (expected.size() > 3 && expected.compare(expected.size() - 3, 3, "...") == 0)
      EXPECT_EQ(what.substr(0, expected.size() - 3), expected.substr(0, expected.size() - 3)) << what;
    else
      EXPECT_EQ(what, expected);
  }
}

INSTANTIATE_TEST_SUITE_P(Table, FieldBadInput, testing::ValuesIn(table()),
                         [](const testing::TestParamInfo<BadInput>& info) { return info.param.name; });

}  // namespace
}  // namespace tessera::weather
