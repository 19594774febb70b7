// A NetCDF file of gridded fields (NetCDF-3 or NetCDF-4): decoded as one file and through
// read_fields, the path every weather command takes.
#include <netcdf.h>

#include <cstdio>
#include <cstdlib>

#include "domains/weather/field_dataset.h"
#include "domains/weather/field_file_reader.h"
#include "domains/weather/field_writer.h"
#include "tests/fuzz/fuzz_harness.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = tessera::fuzz::input_file(data, size, ".nc");
  tessera::fuzz::expect_input_error([&] { tessera::weather::read_field_file(path, {}); });
  tessera::fuzz::expect_input_error([&] { tessera::weather::read_fields({path}, {"t2m"}); });
  return 0;
}

namespace tessera::fuzz {
namespace {

// What the project writes: t2m on 2 times x 3 latitudes x 4 longitudes, NetCDF-4.
std::string written_fields() {
  weather::FieldDataset d;
  d.channels.push_back({"t2m", "t2m", false, 0, {{"units", {"K", {}}}}});
  d.latitude = {"latitude", {60, 0, -60}, {{"units", {"degrees_north", {}}}, {"standard_name", {"latitude", {}}}}, {}};
  d.longitude = {"longitude", {0, 90, 180, 270}, {{"units", {"degrees_east", {}}}}, {}};
  d.time = {"time", {0, 6}, {{"units", {"hours since 2000-01-01 00:00:00", {}}}}, {}};
  d.time_hours = {262968, 262974};
  for (int i = 0; i < 24; ++i) d.values.push_back(270.0f + i);
  const std::string path = scratch_path("seed-fields.nc");
  weather::write_fields(path, d);
  return file_bytes(path);
}

void nc(int status) {
  if (status != NC_NOERR) {
    std::fprintf(stderr, "seed: %s\n", nc_strerror(status));
    std::abort();
  }
}

void text_attribute(int file, int var, const char* name, const std::string& value) {
  nc(nc_put_att_text(file, var, name, value.size(), value.c_str()));
}

// What reanalysis downloads look like: NetCDF-3, packed shorts with scale_factor, add_offset and
// _FillValue, a pressure-level axis, a calendar and latitude bounds.
std::string packed_classic() {
  const std::string path = scratch_path("seed-classic.nc");
  int file, time, level, lat, lon, bnds;
  nc(nc_create(path.c_str(), NC_CLOBBER, &file));
  nc(nc_def_dim(file, "time", NC_UNLIMITED, &time));
  nc(nc_def_dim(file, "level", 2, &level));
  nc(nc_def_dim(file, "lat", 2, &lat));
  nc(nc_def_dim(file, "lon", 3, &lon));
  nc(nc_def_dim(file, "bnds", 2, &bnds));
  int vtime, vlevel, vlat, vlon, vbounds, vz;
  nc(nc_def_var(file, "time", NC_INT, 1, &time, &vtime));
  text_attribute(file, vtime, "units", "days since 1979-01-01");
  text_attribute(file, vtime, "calendar", "noleap");
  nc(nc_def_var(file, "level", NC_FLOAT, 1, &level, &vlevel));
  text_attribute(file, vlevel, "units", "hPa");
  nc(nc_def_var(file, "lat", NC_DOUBLE, 1, &lat, &vlat));
  text_attribute(file, vlat, "units", "degrees_north");
  text_attribute(file, vlat, "bounds", "lat_bnds");
  const int bounds_dims[] = {lat, bnds};
  nc(nc_def_var(file, "lat_bnds", NC_DOUBLE, 2, bounds_dims, &vbounds));
  nc(nc_def_var(file, "lon", NC_DOUBLE, 1, &lon, &vlon));
  text_attribute(file, vlon, "units", "degrees_east");
  const int z_dims[] = {time, level, lat, lon};
  nc(nc_def_var(file, "z", NC_SHORT, 4, z_dims, &vz));
  const double scale = 0.5, offset = 5000;
  const short fill = -32767;
  nc(nc_put_att_double(file, vz, "scale_factor", NC_DOUBLE, 1, &scale));
  nc(nc_put_att_double(file, vz, "add_offset", NC_DOUBLE, 1, &offset));
  nc(nc_put_att_short(file, vz, "_FillValue", NC_SHORT, 1, &fill));
  text_attribute(file, vz, "units", "m**2 s**-2");
  text_attribute(file, NC_GLOBAL, "Conventions", "CF-1.6");
  nc(nc_enddef(file));
  const int times[] = {0, 1};
  const float levels[] = {500, 850};
  const double lats[] = {45, -45}, lat_bounds[] = {90, 0, 0, -90}, lons[] = {0, 120, 240};
  short z[2 * 2 * 2 * 3];
  for (int i = 0; i < 24; ++i) z[i] = static_cast<short>(i == 5 ? fill : 100 * i);
  const size_t start[] = {0, 0, 0, 0}, count[] = {2, 2, 2, 3};
  nc(nc_put_vara_int(file, vtime, start, count, times));
  nc(nc_put_var_float(file, vlevel, levels));
  nc(nc_put_var_double(file, vlat, lats));
  nc(nc_put_var_double(file, vbounds, lat_bounds));
  nc(nc_put_var_double(file, vlon, lons));
  nc(nc_put_vara_short(file, vz, start, count, z));
  nc(nc_close(file));
  return file_bytes(path);
}

}  // namespace

std::vector<std::string> seeds() { return {written_fields(), packed_classic()}; }

}  // namespace tessera::fuzz
