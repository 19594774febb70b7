#pragma once
// Writes small NetCDF files for the reader tests with plain NetCDF-C calls, so a fixture never
// goes through the code under test.
#include <netcdf.h>

#include <string>
#include <vector>

namespace tessera::test_support {

class NetcdfFixture {
 public:
  // format: 0 (NetCDF-3 classic), NC_64BIT_OFFSET, or NC_NETCDF4.
  NetcdfFixture(const std::string& path, int format);
  ~NetcdfFixture();

  int root() const { return ncid_; }
  int group(const std::string& name);  // a subgroup of the root (NetCDF-4)
  int dimension(const std::string& name, size_t length, int group = -1);
  // A variable over dimensions visible from `group` (named; searched in the group and its parents).
  int variable(const std::string& name, nc_type type, const std::vector<std::string>& dimensions, int group = -1);
  void text(int varid, const std::string& name, const std::string& value, int group = -1);
  void numbers(int varid, const std::string& name, nc_type type, const std::vector<double>& values, int group = -1);
  void put(int varid, const std::vector<double>& values, int group = -1);
  // A 1-D coordinate variable (double) over a dimension of its own name, with text attributes.
  int coordinate(const std::string& name, const std::vector<double>& values,
                 const std::vector<std::pair<std::string, std::string>>& attributes, int group = -1);
  void close();

 private:
  int at(int group) const { return group < 0 ? ncid_ : group; }
  void data_mode();
  std::string path_;
  int ncid_ = -1;
  bool define_mode_ = true;
  std::vector<std::pair<int, std::vector<double>>> pending_;
};

// Latitude-longitude-time fixture used by most tests: coordinates named as given, the CF
// attributes that identify them, and one variable `t2m(time, lat, lon)` stored as `type`.
struct GridSpec {
  std::vector<double> latitudes = {60, 55, 50};
  std::vector<double> longitudes = {0, 90, 180, 270};
  std::vector<double> times = {0, 6};
  std::string time_units = "hours since 2019-03-01 00:00:00";
  std::string calendar = "gregorian";
  std::string variable = "t2m";
  nc_type type = NC_FLOAT;
  int format = NC_NETCDF4;
};

// The grid tests/configs/weather-tiny.yaml trains on: three days, hourly, 5 x 7 points.
GridSpec three_days();

// Writes the grid of `spec` with data value(t, y, x) = 270 + t + 0.5 y + 0.25 x (float).
void write_grid_file(const std::string& path, const GridSpec& spec);
double grid_value(size_t t, size_t y, size_t x);

}  // namespace tessera::test_support
