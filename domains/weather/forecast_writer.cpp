// write_forecast: a CF-1.8 NetCDF-4 file of forecasts on the source grid (see field_dataset.h).
#include <netcdf.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <set>

#include "core/io/atomic_file.h"
#include "core/util/error.h"
#include "domains/weather/cf_axes.h"
#include "domains/weather/cf_time.h"
#include "domains/weather/field_dataset.h"
#include "domains/weather/netcdf_file.h"

namespace tessera::weather {

namespace {

namespace fs = std::filesystem;

// Attributes that describe storage or point at variables this file does not have.
const std::set<std::string> kDroppedAttributes = {"_FillValue", "missing_value", "coordinates", "bounds",
                                                  "grid_mapping", "ancillary_variables", "cell_measures"};

Attributes kept(Attributes a) {
  for (const auto& name : kDroppedAttributes) a.erase(name);
  return a;
}

Attribute text(const std::string& value) { return Attribute{value, {}}; }

void refuse_to_overwrite_inputs(const std::string& path, const std::vector<std::string>& source_paths) {
  std::error_code ec;
  const fs::path target = fs::weakly_canonical(fs::absolute(path), ec);
  for (const auto& source : source_paths) {
    std::error_code ec_source, ec_same;
    const bool same_name = fs::weakly_canonical(fs::absolute(source), ec_source) == target;
    const bool same_file = fs::exists(path, ec_same) && fs::equivalent(path, source, ec_same);
    if (same_name || same_file) throw InputError(path, "is an input file (" + source + "); refusing to overwrite it");
  }
}

struct Writer {
  const NetcdfFile& file;

  int dimension(const std::string& name, size_t length) const {
    int id = -1;
    file.check(nc_def_dim(file.id(), name.c_str(), length, &id), "cannot define dimension '" + name + "'");
    return id;
  }

  int variable(const std::string& name, nc_type type, const std::vector<int>& dims, const Attributes& attributes) const {
    int id = -1;
    file.check(nc_def_var(file.id(), name.c_str(), type, static_cast<int>(dims.size()), dims.data(), &id),
               "cannot define variable '" + name + "'");
    file.put_attributes(id, attributes);
    return id;
  }

  void put(int varid, const std::vector<double>& values) const {
    file.check(nc_put_var_double(file.id(), varid, values.data()), "cannot write");
  }
};

// A latitude, longitude or level coordinate: its values, its attributes completed with what CF
// tools look for, and its bounds when the source had them.
struct CoordinateOut {
  int dim = -1;
  int var = -1;
  int bounds_var = -1;
};

CoordinateOut define_coordinate(const Writer& w, const Coordinate& c, const Attributes& defaults, int bounds_dim) {
  CoordinateOut out;
  out.dim = w.dimension(c.name, c.values.size());
  Attributes attributes = kept(c.attributes);
  for (const auto& [name, value] : defaults) attributes.emplace(name, value);
  if (!c.bounds.empty()) attributes["bounds"] = text(c.name + "_bnds");
  out.var = w.variable(c.name, NC_DOUBLE, {out.dim}, attributes);
  if (!c.bounds.empty()) out.bounds_var = w.variable(c.name + "_bnds", NC_DOUBLE, {out.dim, bounds_dim}, {});
  return out;
}

void put_coordinate(const Writer& w, const Coordinate& c, const CoordinateOut& out) {
  w.put(out.var, c.values);
  if (out.bounds_var >= 0) w.put(out.bounds_var, c.bounds);
}

void check_shapes(const FieldDataset& source, const Forecast& forecast) {
  const size_t expected = forecast.init_times.size() * forecast.lead_hours.size() *
                          static_cast<size_t>(source.num_channels() * source.lats() * source.lons());
  if (forecast.values.size() != expected)
    throw Error("write_forecast: " + std::to_string(forecast.values.size()) + " values for " + std::to_string(expected) +
                " places");
  for (int64_t t : forecast.init_times)
    if (t < 0 || t >= source.times()) throw Error("write_forecast: initial time index " + std::to_string(t) + " out of range");
}

void write_file(const std::string& tmp, const FieldDataset& source, const Forecast& forecast, const Attributes& globals) {
  NetcdfFile file = NetcdfFile::create(tmp);
  const Writer w{file};
  const size_t inits = forecast.init_times.size(), leads = forecast.lead_hours.size();
  const bool has_level = std::any_of(source.channels.begin(), source.channels.end(), [](const FieldChannel& c) { return c.has_level; });
  const bool has_bounds = !source.latitude.bounds.empty() || !source.longitude.bounds.empty() || (has_level && !source.level.bounds.empty());

  const int time_dim = w.dimension("time", inits);
  const int lead_dim = w.dimension("lead_time", leads);
  const int bounds_dim = has_bounds ? w.dimension("bnds", 2) : -1;
  CoordinateOut level;
  if (has_level) level = define_coordinate(w, source.level, {{"axis", text("Z")}}, bounds_dim);
  const CoordinateOut lat = define_coordinate(
      w, source.latitude, {{"units", text("degrees_north")}, {"standard_name", text("latitude")}, {"axis", text("Y")}}, bounds_dim);
  const CoordinateOut lon = define_coordinate(
      w, source.longitude, {{"units", text("degrees_east")}, {"standard_name", text("longitude")}, {"axis", text("X")}}, bounds_dim);

  // CF's names for forecasts: the initial time is the forecast_reference_time, the lead is the
  // forecast_period, and the time a forecast is valid for is `time`.
  Attributes time_attributes = kept(source.time.attributes);
  time_attributes["standard_name"] = text("forecast_reference_time");
  time_attributes["long_name"] = text("forecast initial time");
  time_attributes.erase("axis");
  const int time_var = w.variable("time", NC_DOUBLE, {time_dim}, time_attributes);
  const int lead_var = w.variable("lead_time", NC_DOUBLE, {lead_dim},
                                  {{"units", text("hours")}, {"standard_name", text("forecast_period")}, {"long_name", text("lead time")}});
  Attributes valid_attributes;
  for (const char* name : {"units", "calendar"})
    if (auto it = source.time.attributes.find(name); it != source.time.attributes.end()) valid_attributes[name] = it->second;
  valid_attributes["standard_name"] = text("time");
  valid_attributes["long_name"] = text("time the forecast is valid for");
  const int valid_var = w.variable("valid_time", NC_DOUBLE, {time_dim, lead_dim}, valid_attributes);

  std::vector<std::string> variables;
  for (const auto& c : source.channels)
    if (std::find(variables.begin(), variables.end(), c.variable) == variables.end()) variables.push_back(c.variable);
  std::vector<int> data_vars;
  for (const auto& name : variables) {
    const auto channel = std::find_if(source.channels.begin(), source.channels.end(), [&](const FieldChannel& c) { return c.variable == name; });
    std::vector<int> dims = {time_dim, lead_dim};
    if (channel->has_level) dims.push_back(level.dim);
    dims.push_back(lat.dim);
    dims.push_back(lon.dim);
    Attributes attributes = kept(channel->attributes);
    attributes["coordinates"] = text("valid_time");
    const int var = w.variable(name, NC_FLOAT, dims, attributes);
    const float fill = std::numeric_limits<float>::quiet_NaN();
    file.check(nc_put_att_float(file.id(), var, "_FillValue", NC_FLOAT, 1, &fill), "cannot write _FillValue of '" + name + "'");
    std::vector<size_t> chunks(dims.size(), 1);
    chunks[dims.size() - 2] = static_cast<size_t>(source.lats());
    chunks[dims.size() - 1] = static_cast<size_t>(source.lons());
    file.check(nc_def_var_chunking(file.id(), var, NC_CHUNKED, chunks.data()), "cannot chunk '" + name + "'");
    file.check(nc_def_var_deflate(file.id(), var, 1, 1, 1), "cannot compress '" + name + "'");
    data_vars.push_back(var);
  }
  Attributes global_attributes = source.global_attributes;
  global_attributes["Conventions"] = text("CF-1.8");
  for (const auto& [name, value] : globals) global_attributes[name] = value;
  file.put_attributes(NC_GLOBAL, global_attributes);
  file.check(nc_enddef(file.id()), "cannot finish the header");

  if (has_level) put_coordinate(w, source.level, level);
  put_coordinate(w, source.latitude, lat);
  put_coordinate(w, source.longitude, lon);
  std::vector<double> init_values, valid_values;
  for (int64_t t : forecast.init_times) init_values.push_back(source.time.values[static_cast<size_t>(t)]);
  // Lead hours in the time axis' own unit ("days since ..." takes lead / 24).
  const double hours_per_unit = parse_time_units(text_attribute(source.time.attributes, "units"), source.calendar).hours_per_unit;
  for (double init : init_values)
    for (double lead : forecast.lead_hours) valid_values.push_back(init + lead / hours_per_unit);
  w.put(time_var, init_values);
  w.put(lead_var, forecast.lead_hours);
  w.put(valid_var, valid_values);

  const size_t plane = static_cast<size_t>(source.lats() * source.lons());
  for (size_t i = 0; i < inits; ++i)
    for (size_t l = 0; l < leads; ++l)
      for (int64_t c = 0; c < source.num_channels(); ++c) {
        const FieldChannel& channel = source.channels[static_cast<size_t>(c)];
        const size_t v = static_cast<size_t>(std::find(variables.begin(), variables.end(), channel.variable) - variables.begin());
        std::vector<size_t> start = {i, l}, count = {1, 1};
        if (channel.has_level) {
          const auto k = std::find(source.level.values.begin(), source.level.values.end(), channel.level);
          start.push_back(static_cast<size_t>(k - source.level.values.begin()));
          count.push_back(1);
        }
        start.insert(start.end(), {0, 0});
        count.insert(count.end(), {static_cast<size_t>(source.lats()), static_cast<size_t>(source.lons())});
        const float* slab = &forecast.values[((i * leads + l) * static_cast<size_t>(source.num_channels()) + static_cast<size_t>(c)) * plane];
        file.check(nc_put_vara_float(file.id(), data_vars[v], start.data(), count.data(), slab), "cannot write '" + channel.name + "'");
      }
  file.close();
}

}  // namespace

void write_forecast(const std::string& path, const FieldDataset& source, const Forecast& forecast,
                    const std::vector<std::string>& source_paths, const Attributes& extra_global_attributes) {
  refuse_to_overwrite_inputs(path, source_paths);
  check_shapes(source, forecast);
  if (text_attribute(source.time.attributes, "units").find("since") == std::string::npos)
    throw DataError(source_paths.empty() ? path : source_paths[0],
                    "time axis '" + source.time.name + "' has no '<unit> since <date>' units, so forecasts have no valid time");
  const fs::path parent = fs::absolute(path).parent_path();
  std::error_code ec;
  if (!fs::is_directory(parent, ec)) throw InputError(path, "folder " + parent.string() + " does not exist");
  io::write_atomically(path, [&](const std::string& tmp) { write_file(tmp, source, forecast, extra_global_attributes); });
}

}  // namespace tessera::weather
