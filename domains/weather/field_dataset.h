#pragma once
// Gridded fields decoded from CF NetCDF into one in-memory layout that the weather model, the
// metrics and the forecast writer share: values[time][channel][lat][lon] in physical units
// (scale_factor/add_offset applied), NaN where the file had _FillValue/missing_value.
// A channel is one variable at one level ("t2m", "z@500").
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tessera::weather {

// NetCDF attributes kept verbatim for the output file, as text or numbers.
struct Attribute {
  std::string text;            // set for text attributes
  std::vector<double> numbers; // set for numeric attributes
  bool is_text() const { return numbers.empty(); }
};
using Attributes = std::map<std::string, Attribute>;

struct FieldChannel {
  std::string variable;       // NetCDF variable name, e.g. "t2m"
  std::string name;           // channel name: variable, or "variable@level" with a level axis
  bool has_level = false;
  double level = 0;           // in the level coordinate's units
  Attributes attributes;      // the variable's own (units, long_name, standard_name, ...),
                              // minus packing and fill attributes
};

struct Coordinate {
  std::string name;           // variable name in the source file, e.g. "latitude" or "lat"
  std::vector<double> values; // as stored (latitude may descend; longitude 0..360 or -180..180)
  Attributes attributes;      // units, standard_name, axis, ...
  std::vector<double> bounds; // [n][2] cell bounds when the file had them, else empty
};

struct FieldDataset {
  std::vector<FieldChannel> channels;
  Coordinate latitude;        // degrees_north
  Coordinate longitude;       // degrees_east
  Coordinate level;           // empty values when no channel has a level
  Coordinate time;            // values as stored, in attributes["units"] ("hours since ...")
  std::vector<double> time_hours;  // time decoded to hours since 1970-01-01T00:00 in the calendar;
                                   // NaN when the time axis has no CF units (ERA-Interim's bare
                                   // `month` index) or the file has no time axis (one step)
  std::string calendar = "standard";
  Attributes global_attributes;
  std::vector<float> values;  // [time][channel][lat][lon]

  int64_t times() const { return static_cast<int64_t>(time.values.size()); }
  int64_t num_channels() const { return static_cast<int64_t>(channels.size()); }
  int64_t lats() const { return static_cast<int64_t>(latitude.values.size()); }
  int64_t lons() const { return static_cast<int64_t>(longitude.values.size()); }
  size_t index(int64_t t, int64_t c, int64_t y, int64_t x) const {
    return static_cast<size_t>(((t * num_channels() + c) * lats() + y) * lons() + x);
  }
};

// Reads the named variables (all gridded time x [level x] lat x lon variables when `variables` is
// empty) from one or more files sharing one grid; files are concatenated along time in time order,
// or merged by variable when they hold different variables for the same times. Throws DataError
// naming the file for: missing file, not NetCDF, truncated, missing variable, no latitude/longitude/
// time axis, grids that differ between files, or a field that is entirely missing.
FieldDataset read_fields(const std::vector<std::string>& paths, const std::vector<std::string>& variables = {});

// A forecast: for each initial time of `source` listed in `init_times` (indices into source time),
// `lead_hours.size()` predicted fields, values[init][lead][channel][lat][lon] in physical units.
struct Forecast {
  std::vector<int64_t> init_times;
  std::vector<double> lead_hours;
  std::vector<float> values;
  int64_t model_steps = 0;  // calls of the model over all batches of initial times: the forecast's cost
};

// Writes a CF-1.8 NetCDF-4 file: the source's latitude, longitude (and level) coordinates with
// their attributes, a `time` dimension of initial times (source units and calendar), a
// `lead_time` dimension (hours, standard_name forecast_period), a `valid_time(time, lead_time)`
// variable, and one variable per source variable with its attributes; written to a temporary file
// and renamed into place. Refuses (InputError) to overwrite any file in `source_paths`.
void write_forecast(const std::string& path, const FieldDataset& source, const Forecast& forecast,
                    const std::vector<std::string>& source_paths, const Attributes& extra_global_attributes = {});

}  // namespace tessera::weather
