#include "domains/weather/cf_output.h"

#include <netcdf.h>

#include <filesystem>
#include <iterator>
#include <limits>
#include <set>

#include "core/util/error.h"

namespace tessera::weather {

namespace {

CoordinateOutput define_coordinate(const NetcdfFile& file, const Coordinate& c, const Attributes& defaults, int bounds_dim) {
  CoordinateOutput out;
  out.dim = file.add_dimension(c.name, c.values.size());
  Attributes attributes = portable_attributes(c.attributes);
  for (const auto& [name, value] : defaults) attributes.emplace(name, value);
  if (!c.bounds.empty()) attributes["bounds"] = text_value(c.name + "_bnds");
  out.var = file.add_variable(c.name, NC_DOUBLE, {out.dim}, attributes);
  if (!c.bounds.empty()) out.bounds_var = file.add_variable(c.name + "_bnds", NC_DOUBLE, {out.dim, bounds_dim}, {});
  return out;
}

void put_coordinate(const NetcdfFile& file, const Coordinate& c, const CoordinateOutput& out) {
  file.put_values(out.var, c.values);
  if (out.bounds_var >= 0) file.put_values(out.bounds_var, c.bounds);
}

// Names starting with "_" belong to the library that wrote the file (_ChunkSizes, _Storage, ...);
// NetCDF-C refuses some of them, and none describe the data.
Attributes without_reserved(Attributes attributes) {
  for (auto it = attributes.begin(); it != attributes.end();) it = it->first.rfind('_', 0) == 0 ? attributes.erase(it) : std::next(it);
  return attributes;
}

}  // namespace

Attribute text_value(const std::string& value) { return Attribute{value, {}}; }

void require_output_folder(const std::string& path) {
  const std::filesystem::path folder = std::filesystem::absolute(path).parent_path();
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) throw InputError(path, "folder " + folder.string() + " does not exist");
}

Attributes portable_attributes(Attributes attributes) {
  static const std::set<std::string> dropped = {"_FillValue", "missing_value",      "coordinates",  "bounds",
                                                "grid_mapping", "ancillary_variables", "cell_measures"};
  for (const auto& name : dropped) attributes.erase(name);
  return without_reserved(std::move(attributes));
}

GridOutput define_grid(const NetcdfFile& file, const FieldDataset& source, bool with_level) {
  const bool bounded = !source.latitude.bounds.empty() || !source.longitude.bounds.empty() ||
                       (with_level && !source.level.bounds.empty());
  const int bounds_dim = bounded ? file.add_dimension("bnds", 2) : -1;
  GridOutput grid;
  if (with_level) grid.level = define_coordinate(file, source.level, {{"axis", text_value("Z")}}, bounds_dim);
  grid.latitude = define_coordinate(file, source.latitude,
                                    {{"units", text_value("degrees_north")}, {"standard_name", text_value("latitude")}, {"axis", text_value("Y")}},
                                    bounds_dim);
  grid.longitude = define_coordinate(file, source.longitude,
                                     {{"units", text_value("degrees_east")}, {"standard_name", text_value("longitude")}, {"axis", text_value("X")}},
                                     bounds_dim);
  return grid;
}

void put_grid(const NetcdfFile& file, const FieldDataset& source, const GridOutput& grid) {
  if (grid.level.dim >= 0) put_coordinate(file, source.level, grid.level);
  put_coordinate(file, source.latitude, grid.latitude);
  put_coordinate(file, source.longitude, grid.longitude);
}

int define_field_variable(const NetcdfFile& file, const std::string& name, const std::vector<int>& dims,
                          const Attributes& attributes) {
  const int var = file.add_variable(name, NC_FLOAT, dims, attributes);
  const float fill = std::numeric_limits<float>::quiet_NaN();
  file.check(nc_put_att_float(file.id(), var, "_FillValue", NC_FLOAT, 1, &fill), "cannot write _FillValue of '" + name + "'");
  std::vector<size_t> chunks(dims.size(), 1);
  for (size_t k = dims.size() - 2; k < dims.size(); ++k) file.check(nc_inq_dimlen(file.id(), dims[k], &chunks[k]), "cannot chunk '" + name + "'");
  file.check(nc_def_var_chunking(file.id(), var, NC_CHUNKED, chunks.data()), "cannot chunk '" + name + "'");
  file.check(nc_def_var_deflate(file.id(), var, 1, 1, 1), "cannot compress '" + name + "'");
  return var;
}

Attributes output_global_attributes(const Attributes& source, const Attributes& extra) {
  Attributes out = without_reserved(source);
  out["Conventions"] = text_value("CF-1.8");
  for (const auto& [name, value] : extra) out[name] = value;
  return out;
}

}  // namespace tessera::weather
