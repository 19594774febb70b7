// write_forecast: a CF-1.8 NetCDF-4 file of forecasts on the source grid (see field_dataset.h).
#include <netcdf.h>

#include <algorithm>
#include <cmath>

#include "core/io/atomic_file.h"
#include "core/io/output_path.h"
#include "core/util/error.h"
#include "domains/weather/cf_axes.h"
#include "domains/weather/cf_output.h"
#include "domains/weather/cf_time.h"
#include "domains/weather/field_dataset.h"
#include "domains/weather/netcdf_file.h"

namespace tessera::weather {

namespace {

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
  const size_t inits = forecast.init_times.size(), leads = forecast.lead_hours.size();
  const bool has_level = std::any_of(source.channels.begin(), source.channels.end(), [](const FieldChannel& c) { return c.has_level; });

  const int time_dim = file.add_dimension("time", inits);
  const int lead_dim = file.add_dimension("lead_time", leads);
  const GridOutput grid = define_grid(file, source, has_level);

  // CF's names for forecasts: the initial time is the forecast_reference_time, the lead is the
  // forecast_period, and the time a forecast is valid for is `time`.
  Attributes time_attributes = portable_attributes(source.time.attributes);
  time_attributes["standard_name"] = text_value("forecast_reference_time");
  time_attributes["long_name"] = text_value("forecast initial time");
  time_attributes.erase("axis");
  const int time_var = file.add_variable("time", NC_DOUBLE, {time_dim}, time_attributes);
  const int lead_var = file.add_variable("lead_time", NC_DOUBLE, {lead_dim},
                                  {{"units", text_value("hours")}, {"standard_name", text_value("forecast_period")}, {"long_name", text_value("lead time")}});
  Attributes valid_attributes;
  for (const char* name : {"units", "calendar"})
    if (auto it = source.time.attributes.find(name); it != source.time.attributes.end()) valid_attributes[name] = it->second;
  valid_attributes["standard_name"] = text_value("time");
  valid_attributes["long_name"] = text_value("time the forecast is valid for");
  const int valid_var = file.add_variable("valid_time", NC_DOUBLE, {time_dim, lead_dim}, valid_attributes);

  std::vector<std::string> variables;
  for (const auto& c : source.channels)
    if (std::find(variables.begin(), variables.end(), c.variable) == variables.end()) variables.push_back(c.variable);
  std::vector<int> data_vars;
  for (const auto& name : variables) {
    const auto channel = std::find_if(source.channels.begin(), source.channels.end(), [&](const FieldChannel& c) { return c.variable == name; });
    std::vector<int> dims = {time_dim, lead_dim};
    if (channel->has_level) dims.push_back(grid.level.dim);
    dims.push_back(grid.latitude.dim);
    dims.push_back(grid.longitude.dim);
    Attributes attributes = portable_attributes(channel->attributes);
    attributes["coordinates"] = text_value("valid_time");
    data_vars.push_back(define_field_variable(file, name, dims, attributes));
  }
  file.put_attributes(NC_GLOBAL, output_global_attributes(source.global_attributes, globals));
  file.check(nc_enddef(file.id()), "cannot finish the header");

  put_grid(file, source, grid);
  std::vector<double> init_values, valid_values;
  for (int64_t t : forecast.init_times) init_values.push_back(source.time.values[static_cast<size_t>(t)]);
  // Lead hours in the time axis' own unit ("days since ..." takes lead / 24).
  const double hours_per_unit = parse_time_units(text_attribute(source.time.attributes, "units"), source.calendar).hours_per_unit;
  for (double init : init_values)
    for (double lead : forecast.lead_hours) valid_values.push_back(init + lead / hours_per_unit);
  file.put_values(time_var, init_values);
  file.put_values(lead_var, forecast.lead_hours);
  file.put_values(valid_var, valid_values);

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
  io::check_output_path(path, "--output", source_paths);
  check_shapes(source, forecast);
  if (text_attribute(source.time.attributes, "units").find("since") == std::string::npos)
    throw DataError(source_paths.empty() ? path : source_paths[0],
                    "time axis '" + source.time.name + "' has no '<unit> since <date>' units, so forecasts have no valid time");
  require_output_folder(path);
  io::write_atomically(path, [&](const std::string& tmp) { write_file(tmp, source, forecast, extra_global_attributes); });
}

}  // namespace tessera::weather
