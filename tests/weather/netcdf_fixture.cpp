#include "tests/weather/netcdf_fixture.h"

#include <filesystem>
#include <stdexcept>

namespace tessera::test_support {

namespace {

void ok(int status, const std::string& what) {
  if (status != NC_NOERR) throw std::runtime_error("fixture: " + what + ": " + nc_strerror(status));
}

}  // namespace

NetcdfFixture::NetcdfFixture(const std::string& path, int format) : path_(path) {
  ok(nc_create(path.c_str(), NC_CLOBBER | format, &ncid_), "create " + path);
}

NetcdfFixture::~NetcdfFixture() {
  if (ncid_ >= 0) nc_close(ncid_);
}

int NetcdfFixture::group(const std::string& name) {
  int id = -1;
  ok(nc_def_grp(ncid_, name.c_str(), &id), "group " + name);
  return id;
}

int NetcdfFixture::dimension(const std::string& name, size_t length, int group) {
  int id = -1;
  ok(nc_def_dim(at(group), name.c_str(), length, &id), "dimension " + name);
  return id;
}

int NetcdfFixture::variable(const std::string& name, nc_type type, const std::vector<std::string>& dimensions, int group) {
  std::vector<int> ids;
  for (const auto& d : dimensions) {
    int id = -1;
    ok(nc_inq_dimid(at(group), d.c_str(), &id), "dimension " + d);
    ids.push_back(id);
  }
  int varid = -1;
  ok(nc_def_var(at(group), name.c_str(), type, static_cast<int>(ids.size()), ids.data(), &varid), "variable " + name);
  return varid;
}

void NetcdfFixture::text(int varid, const std::string& name, const std::string& value, int group) {
  ok(nc_put_att_text(at(group), varid, name.c_str(), value.size(), value.c_str()), "attribute " + name);
}

void NetcdfFixture::numbers(int varid, const std::string& name, nc_type type, const std::vector<double>& values, int group) {
  ok(nc_put_att_double(at(group), varid, name.c_str(), type, values.size(), values.data()), "attribute " + name);
}

void NetcdfFixture::data_mode() {
  if (!define_mode_) return;
  ok(nc_enddef(ncid_), "enddef");
  define_mode_ = false;
}

void NetcdfFixture::put(int varid, const std::vector<double>& values, int group) {
  data_mode();
  ok(nc_put_var_double(at(group), varid, values.data()), "put");
}

int NetcdfFixture::coordinate(const std::string& name, const std::vector<double>& values,
                              const std::vector<std::pair<std::string, std::string>>& attributes, int group) {
  dimension(name, values.size(), group);
  const int varid = variable(name, NC_DOUBLE, {name}, group);
  for (const auto& [key, value] : attributes) text(varid, key, value, group);
  return varid;
}

void NetcdfFixture::close() {
  ok(nc_close(ncid_), "close " + path_);
  ncid_ = -1;
}

double grid_value(size_t t, size_t y, size_t x) { return 270.0 + double(t) + 0.5 * double(y) + 0.25 * double(x); }

GridSpec three_days() {
  GridSpec s;
  s.latitudes = {60, 57, 54, 51, 48};
  s.longitudes = {-6, -4, -2, 0, 2, 4, 6};
  s.times.clear();
  for (int t = 0; t < 72; ++t) s.times.push_back(t);
  return s;
}

void write_grid_file(const std::string& path, const GridSpec& spec) {
  NetcdfFixture f(path, spec.format);
  const int lat = f.coordinate("lat", spec.latitudes, {{"units", "degrees_north"}});
  const int lon = f.coordinate("lon", spec.longitudes, {{"units", "degrees_east"}});
  const int time = f.coordinate("time", spec.times, {{"units", spec.time_units}, {"calendar", spec.calendar}});
  const int var = f.variable(spec.variable, spec.type, {"time", "lat", "lon"});
  f.text(var, "units", "K");
  f.text(var, "long_name", "2 metre temperature");
  std::vector<double> values;
  for (size_t t = 0; t < spec.times.size(); ++t)
    for (size_t y = 0; y < spec.latitudes.size(); ++y)
      for (size_t x = 0; x < spec.longitudes.size(); ++x) values.push_back(grid_value(t, y, x));
  f.put(lat, spec.latitudes);
  f.put(lon, spec.longitudes);
  f.put(time, spec.times);
  f.put(var, values);
  f.close();
}

}  // namespace tessera::test_support
