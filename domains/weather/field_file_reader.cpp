#include "domains/weather/field_file_reader.h"

#include <netcdf.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>

#include "core/util/error.h"
#include "domains/weather/cf_axes.h"
#include "domains/weather/cf_time.h"
#include "domains/weather/grid_axes.h"
#include "domains/weather/netcdf_file.h"

namespace tessera::weather {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// A valid_min or valid_max, in packed units when it has the variable's type, else unpacked.
struct Bound {
  double value;
  bool packed = true;
};

// Packing and missing-data attributes, applied as CF and the NetCDF User Guide say: missing values
// and bounds in the packed type are compared before unpacking, other bounds after. A value that is
// not a finite float (NaN, +-Inf, or beyond float's range once unpacked) is missing too: one Inf
// would otherwise spread through the normalization and the Fourier mixing to the whole forecast.
struct Unpacking {
  double scale = 1;
  double offset = 0;
  std::vector<double> missing;  // packed values meaning "no data" (a NaN fill never matches a short)
  Bound low{-kInfinity}, high{kInfinity};
  double unsigned_wrap = 0;  // 2^bits for integers marked _Unsigned = "true"

  double stored(double raw) const { return unsigned_wrap != 0 && raw < 0 ? raw + unsigned_wrap : raw; }

  float decode(double raw) const {
    const float missing_value = std::numeric_limits<float>::quiet_NaN();
    raw = stored(raw);
    for (double m : missing)
      if (raw == m) return missing_value;
    if ((low.packed && raw < low.value) || (high.packed && raw > high.value)) return missing_value;
    const double value = raw * scale + offset;
    if ((!low.packed && value < low.value) || (!high.packed && value > high.value)) return missing_value;
    if (!(std::abs(value) <= std::numeric_limits<float>::max())) return missing_value;  // NaN fails too
    return static_cast<float>(value);
  }
};

const std::set<std::string> kPackingAttributes = {"scale_factor", "add_offset",  "_FillValue", "missing_value",
                                                  "valid_min",    "valid_max",   "valid_range", "_Unsigned"};

double first_number(const Attributes& a, const std::string& name, double fallback) {
  const auto it = a.find(name);
  return it == a.end() || it->second.numbers.empty() ? fallback : it->second.numbers[0];
}

// Packing and bounds that make no sense are refused by name; applied, they would turn every value
// into NaN (and the message into "no valid values") or quietly into a constant.
void require_sensible_packing(const NetcdfFile& file, const NetcdfVariable& v, const Attributes& a) {
  const std::string owner = "'" + v.name + "' has ";
  for (const char* name : {"scale_factor", "add_offset", "valid_min", "valid_max", "valid_range"})
    if (auto it = a.find(name); it != a.end())
      for (double x : it->second.numbers)
        if (!std::isfinite(x)) throw DataError(file.path(), owner + name + " = " + format_number(x) + "; it must be a finite number");
  if (first_number(a, "scale_factor", 1) == 0)
    throw DataError(file.path(), owner + "scale_factor = 0, which would make every value its add_offset");
  const auto range = a.find("valid_range");
  if (range != a.end() && range->second.numbers.size() == 2 && range->second.numbers[0] > range->second.numbers[1])
    throw DataError(file.path(), owner + "valid_range " + format_number(range->second.numbers[0]) + ", " +
                                     format_number(range->second.numbers[1]) + ": the minimum is above the maximum");
}

Unpacking unpacking_of(const NetcdfFile& file, const NetcdfVariable& v, const Attributes& a) {
  require_sensible_packing(file, v, a);
  Unpacking u;
  u.scale = first_number(a, "scale_factor", 1);
  u.offset = first_number(a, "add_offset", 0);
  const int type = file.type(v);
  if (text_attribute(a, "_Unsigned") == "true") {
    if (type == NC_BYTE) u.unsigned_wrap = 256;
    if (type == NC_SHORT) u.unsigned_wrap = 65536;
    if (type == NC_INT) u.unsigned_wrap = 4294967296.0;
  }
  // Attributes in the variable's type are stored values too: unsigned when the data are.
  auto packed_value = [&](double value) { return u.stored(value); };
  for (const char* name : {"_FillValue", "missing_value"})
    if (auto it = a.find(name); it != a.end())
      for (double m : it->second.numbers) u.missing.push_back(file.attribute_type(v, name) == type ? packed_value(m) : m);
  auto bound = [&](const char* name, size_t index, Bound& out) {
    const auto it = a.find(name);
    if (it == a.end() || it->second.numbers.size() <= index) return;
    out.packed = file.attribute_type(v, name) == type;
    out.value = out.packed ? packed_value(it->second.numbers[index]) : it->second.numbers[index];
  };
  bound("valid_range", 0, u.low);
  bound("valid_range", 1, u.high);
  bound("valid_min", 0, u.low);
  bound("valid_max", 0, u.high);
  return u;
}

Attributes without_packing(Attributes a) {
  for (const auto& name : kPackingAttributes) a.erase(name);
  return a;
}

// How a variable's dimensions map onto [time][level][lat][lon].
struct Layout {
  NetcdfVariable variable;
  std::vector<NetcdfDimension> dimensions;
  int time = -1, level = -1, latitude = -1, longitude = -1;  // index into dimensions, -1 if absent
  std::vector<NetcdfVariable> coordinates;                    // per dimension; id -1 if none
  std::string problem;                                        // why it cannot be read as a field
};

Layout layout_of(const NetcdfFile& file, const NetcdfVariable& v) {
  Layout l;
  l.variable = v;
  l.dimensions = file.dimensions(v);
  std::vector<int> unknown;
  for (size_t k = 0; k < l.dimensions.size(); ++k) {
    const NetcdfVariable coordinate = file.coordinate_variable(v.group, l.dimensions[k]);
    l.coordinates.push_back(coordinate);
    const AxisRole role = coordinate.id >= 0 ? axis_role(file.attributes(coordinate)) : AxisRole::unknown;
    int* slot = role == AxisRole::time      ? &l.time
                : role == AxisRole::level   ? &l.level
                : role == AxisRole::latitude ? &l.latitude
                : role == AxisRole::longitude ? &l.longitude
                                              : nullptr;
    if (slot == nullptr) {
      if (l.dimensions[k].length != 1) unknown.push_back(static_cast<int>(k));  // length 1: a scalar axis, dropped
    } else if (*slot >= 0) {
      l.problem = "has two dimensions of the same kind ('" + l.dimensions[*slot].name + "' and '" + l.dimensions[k].name + "')";
      return l;
    } else {
      *slot = static_cast<int>(k);
    }
  }
  for (AxisRole role : {AxisRole::latitude, AxisRole::longitude})
    if ((role == AxisRole::latitude ? l.latitude : l.longitude) < 0) {
      l.problem = std::string("has no ") + (role == AxisRole::latitude ? "latitude" : "longitude") + " axis (looked for " +
                  axis_clues(role) + ")";
      return l;
    }
  // An outermost dimension without CF attributes (ERA-Interim's bare `month` index) is taken as
  // the time axis, undecoded: it is the only reading under which such files are usable at all.
  if (l.time < 0 && !unknown.empty() && unknown[0] == 0) {
    l.time = 0;
    unknown.erase(unknown.begin());
  }
  if (!unknown.empty())
    l.problem = "has dimension '" + l.dimensions[unknown[0]].name + "' (" + std::to_string(l.dimensions[unknown[0]].length) +
                ") that is not time, level, latitude or longitude";
  return l;
}

Coordinate read_coordinate(const NetcdfFile& file, const NetcdfVariable& v) {
  Coordinate c;
  c.name = v.name;
  c.values = file.values(v);
  c.attributes = file.attributes(v);
  const std::string bounds = text_attribute(c.attributes, "bounds");
  if (!bounds.empty()) {
    const NetcdfVariable b = file.find_variable(v.group, bounds);
    if (b.id >= 0) {
      std::vector<double> values = file.values(b);
      if (values.size() == 2 * c.values.size()) c.bounds = std::move(values);
    }
  }
  return c;
}

// Decodes the time coordinate; an axis without "<unit> since <date>" units stays undecoded.
bool decode_time_axis(const std::string& path, FieldDataset& d) {
  d.time_hours.assign(d.time.values.size(), std::numeric_limits<double>::quiet_NaN());
  const std::string units = text_attribute(d.time.attributes, "units");
  if (units.find("since") == std::string::npos) return false;
  try {
    const TimeUnits parsed = parse_time_units(units, text_attribute(d.time.attributes, "calendar"));
    d.calendar = parsed.calendar;
    for (size_t t = 0; t < d.time.values.size(); ++t) d.time_hours[t] = decode_time(parsed, d.time.values[t]);
  } catch (const std::invalid_argument& e) {
    throw DataError(path, "time axis '" + d.time.name + "': " + e.what());
  }
  return true;
}

// Coordinate variables and their bounds: every variable that is not data.
std::set<std::string> coordinate_names(const NetcdfFile& file, const std::vector<NetcdfVariable>& all) {
  std::set<std::string> names;
  for (const auto& v : all) {
    const auto dims = file.dimensions(v);
    if (dims.size() == 1 && dims[0].name == v.name) {
      names.insert(v.name);
      const std::string bounds = text_attribute(file.attributes(v), "bounds");
      if (!bounds.empty()) names.insert(bounds);
    }
  }
  return names;
}

// The layouts of the wanted variables (every gridded one when `wanted` is empty), in file order,
// and the names of all data variables. A wanted variable that is not a field is an error.
std::vector<Layout> field_layouts(const std::string& path, const NetcdfFile& file, const std::vector<NetcdfVariable>& all,
                                  const std::set<std::string>& not_data, const std::vector<std::string>& wanted,
                                  std::vector<std::string>& data_variables) {
  std::vector<Layout> layouts;
  std::set<std::string> taken;
  for (const auto& v : all) {
    if (not_data.count(v.name)) continue;
    data_variables.push_back(v.name);
    const bool asked = std::find(wanted.begin(), wanted.end(), v.name) != wanted.end();
    if ((!wanted.empty() && !asked) || taken.count(v.name)) continue;  // a subgroup's namesake: root wins
    Layout l = layout_of(file, v);
    if (!l.problem.empty()) {
      if (asked) throw DataError(path, "variable '" + v.name + "' " + l.problem);
      continue;
    }
    taken.insert(v.name);
    layouts.push_back(std::move(l));
  }
  return layouts;
}

// Says why a file holds no field at all: a horizontal axis is missing, or no variable lies on it.
[[noreturn]] void reject_gridless(const std::string& path, const NetcdfFile& file, const std::vector<NetcdfVariable>& all,
                                  const std::set<std::string>& not_data, const std::vector<std::string>& data_variables) {
  for (AxisRole role : {AxisRole::latitude, AxisRole::longitude}) {
    bool found = false;
    for (const auto& v : all)
      if (not_data.count(v.name) && axis_role(file.attributes(v)) == role) found = true;
    if (!found) throw DataError(path, std::string("no ") + (role == AxisRole::latitude ? "latitude" : "longitude") +
                                          " axis (looked for " + axis_clues(role) + ")");
  }
  throw DataError(path, "no variable on a latitude-longitude grid (has: " + join_names(data_variables) + ")");
}

// The time axis of the first variable that has one (its index when the dimension has no
// coordinate variable); a file without a time axis is one time step.
void read_time_axis(const std::string& path, const NetcdfFile& file, const std::vector<Layout>& layouts, FieldFile& out) {
  FieldDataset& d = out.fields;
  const auto timed = std::find_if(layouts.begin(), layouts.end(), [](const Layout& l) { return l.time >= 0; });
  if (timed == layouts.end()) {
    d.time.values = {0};
    d.time_hours = {std::numeric_limits<double>::quiet_NaN()};
    return;
  }
  if (timed->coordinates[timed->time].id >= 0) {
    d.time = read_coordinate(file, timed->coordinates[timed->time]);
  } else {
    d.time.name = timed->dimensions[timed->time].name;
    for (size_t t = 0; t < timed->dimensions[timed->time].length; ++t) d.time.values.push_back(static_cast<double>(t));
  }
  require_finite_axis(path, d.time, "time");
  out.time_decoded = decode_time_axis(path, d);
}

// The grid of the first variable, and the time and level axes of the first variables that have
// them, each checked: a NaN or out-of-range coordinate is named here, not met later as a grid
// that differs from itself or as negative area weights.
void read_axes(const std::string& path, const NetcdfFile& file, const std::vector<Layout>& layouts, FieldFile& out) {
  FieldDataset& d = out.fields;
  const Layout& first = layouts[0];
  d.latitude = read_coordinate(file, first.coordinates[first.latitude]);
  require_valid_latitudes(path, d.latitude);
  d.longitude = read_coordinate(file, first.coordinates[first.longitude]);
  require_valid_longitudes(path, d.longitude);
  read_time_axis(path, file, layouts, out);
  const auto leveled = std::find_if(layouts.begin(), layouts.end(), [](const Layout& l) { return l.level >= 0; });
  if (leveled != layouts.end()) {
    d.level = read_coordinate(file, leveled->coordinates[leveled->level]);
    require_valid_levels(path, d.level);
  }
}

// Dimension `index` of `l` (if it has it) must hold the values of the axis `expected`.
void check_axis(const std::string& path, const NetcdfFile& file, const Layout& first, const Layout& l, int index,
                const Coordinate& expected, const char* what) {
  if (index < 0) return;
  const NetcdfVariable& c = l.coordinates[index];
  const std::vector<double> values = c.id >= 0 ? file.values(c) : expected.values;
  if (l.dimensions[index].length != expected.values.size() || values != expected.values)
    throw DataError(path, "variables '" + first.variable.name + "' and '" + l.variable.name + "' have different " + what +
                              " axes");
}

// One channel per variable, or per level of a variable with levels, once its axes are checked.
void add_channels(const std::string& path, const NetcdfFile& file, const std::vector<Layout>& layouts, FieldDataset& d) {
  for (const auto& l : layouts) {
    check_axis(path, file, layouts[0], l, l.latitude, d.latitude, "latitude");
    check_axis(path, file, layouts[0], l, l.longitude, d.longitude, "longitude");
    check_axis(path, file, layouts[0], l, l.time, d.time, "time");
    check_axis(path, file, layouts[0], l, l.level, d.level, "level");
    const Attributes attributes = without_packing(file.attributes(l.variable));
    if (l.level < 0) {
      d.channels.push_back({l.variable.name, l.variable.name, false, 0, attributes});
    } else {
      for (double level : d.level.values)
        d.channels.push_back({l.variable.name, l.variable.name + "@" + format_number(level), true, level, attributes});
    }
  }
}

// Decodes the variable of `l` into the channels from `channel` on; returns how many it fills.
int64_t decode_variable(const NetcdfFile& file, const Layout& l, int64_t channel, FieldDataset& d) {
  const Unpacking unpacking = unpacking_of(file, l.variable, file.attributes(l.variable));
  // One time step at a time: strides of a slice, where the time dimension has length 1.
  std::vector<int64_t> stride(l.dimensions.size(), 1);
  for (int k = static_cast<int>(l.dimensions.size()) - 2; k >= 0; --k)
    stride[k] = stride[k + 1] * (k + 1 == l.time ? 1 : static_cast<int64_t>(l.dimensions[k + 1].length));
  auto stride_of = [&](int index) { return index >= 0 ? stride[index] : 0; };
  const int64_t sl = stride_of(l.level), sy = stride_of(l.latitude), sx = stride_of(l.longitude);
  const int64_t levels = l.level >= 0 ? static_cast<int64_t>(l.dimensions[l.level].length) : 1;
  const int64_t Y = d.lats(), X = d.lons();
  std::vector<double> raw;
  for (int64_t t = 0; t < d.times(); ++t) {
    if (l.time >= 0) raw = file.slice(l.variable, l.time, static_cast<size_t>(t));
    else if (t == 0) raw = file.values(l.variable);  // no time axis: the same field at every time
    for (int64_t k = 0; k < levels; ++k)
      for (int64_t y = 0; y < Y; ++y) {
        float* row = &d.values[d.index(t, channel + k, y, 0)];
        const int64_t base = k * sl + y * sy;
        for (int64_t x = 0; x < X; ++x) row[x] = unpacking.decode(raw[static_cast<size_t>(base + x * sx)]);
      }
  }
  return levels;
}

void read_values(const NetcdfFile& file, const std::vector<Layout>& layouts, FieldDataset& d) {
  d.values.assign(static_cast<size_t>(d.times() * d.num_channels() * d.lats() * d.lons()), 0.0f);
  int64_t channel = 0;
  for (const auto& l : layouts) channel += decode_variable(file, l, channel, d);
}

void reject_missing_fields(const std::string& path, const FieldFile& f) {
  const FieldDataset& d = f.fields;
  const size_t plane = static_cast<size_t>(d.lats() * d.lons());
  for (int64_t c = 0; c < d.num_channels(); ++c) {
    int64_t empty_times = 0, first_empty = -1;
    for (int64_t t = 0; t < d.times(); ++t) {
      const float* p = &d.values[d.index(t, c, 0, 0)];
      if (std::none_of(p, p + plane, [](float v) { return std::isfinite(v); })) {
        if (first_empty < 0) first_empty = t;
        ++empty_times;
      }
    }
    const std::string name = "'" + d.channels[c].name + "'";
    if (empty_times == d.times())
      throw DataError(path, name + " has no valid values (all _FillValue, missing_value, outside the valid range, NaN or infinite)");
    if (empty_times > 0) throw DataError(path, name + " is entirely missing at " + time_label(d, f.time_decoded, static_cast<size_t>(first_empty)));
  }
}

}  // namespace

std::string format_number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", value);
  return text;
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string time_label(const FieldDataset& d, bool decoded, size_t t) {
  return decoded ? format_time(d.time_hours[t], d.calendar) : "'" + d.time.name + "' = " + format_number(d.time.values[t]);
}

FieldFile read_field_file(const std::string& path, const std::vector<std::string>& wanted) {
  const NetcdfFile file = NetcdfFile::open(path);
  const std::vector<NetcdfVariable> all = file.variables();
  const std::set<std::string> not_data = coordinate_names(file, all);
  FieldFile out;
  const std::vector<Layout> layouts = field_layouts(path, file, all, not_data, wanted, out.data_variables);
  if (layouts.empty()) {
    if (!wanted.empty()) return out;
    reject_gridless(path, file, all, not_data, out.data_variables);
  }
  read_axes(path, file, layouts, out);
  add_channels(path, file, layouts, out.fields);
  read_values(file, layouts, out.fields);
  out.fields.global_attributes = file.attributes({file.id(), NC_GLOBAL, ""});
  reject_missing_fields(path, out);
  return out;
}

}  // namespace tessera::weather
