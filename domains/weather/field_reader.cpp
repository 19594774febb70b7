// read_fields: one file, or several on one grid merged along time and by variable.
#include <algorithm>
#include <cmath>
#include <map>

#include "core/util/error.h"
#include "domains/weather/cf_axes.h"
#include "domains/weather/cf_time.h"
#include "domains/weather/field_dataset.h"
#include "domains/weather/field_file_reader.h"
#include "domains/weather/grid_axes.h"

namespace tessera::weather {

namespace {

constexpr double kGridTolerance = 1e-4;  // degrees (or level units): float vs double copies of one grid

void require_same_axis(const Coordinate& here, const Coordinate& there, const std::string& what, const std::string& path,
                       const std::string& other) {
  const std::string difference = axis_difference(here, there, what, kGridTolerance);
  if (!difference.empty()) throw DataError(path, "grid differs from " + other + ": " + difference);
}

TimeUnits time_units_of(const FieldDataset& d) {
  return parse_time_units(text_attribute(d.time.attributes, "units"), text_attribute(d.time.attributes, "calendar"));
}

// Re-expresses a file's decoded times (and their bounds) in the first file's units.
void rebase_time(FieldDataset& d, const TimeUnits& base) {
  const TimeUnits own = time_units_of(d);
  auto rebased = [&](double v) { return (decode_time(own, v) - base.reference_hours) / base.hours_per_unit; };
  for (double& v : d.time.values) v = rebased(v);
  for (double& v : d.time.bounds) v = rebased(v);
}

// Times are matched to the second when decoded (hours vs days since different dates), exactly when not.
double time_key(const FieldFile& f, size_t t) {
  return f.time_decoded ? std::round(f.fields.time_hours[t] * 3600) : f.fields.time.values[t];
}

void check_compatible(const FieldFile& f, const std::string& path, const FieldFile& base, const std::string& base_path,
                      const Coordinate& level) {
  require_same_axis(f.fields.latitude, base.fields.latitude, "latitude", path, base_path);
  require_same_axis(f.fields.longitude, base.fields.longitude, "longitude", path, base_path);
  if (!f.fields.level.values.empty() && !level.values.empty())
    require_same_axis(f.fields.level, level, "level", path, base_path);
  if (f.time_decoded != base.time_decoded)
    throw DataError(path, std::string("time axis is ") + (f.time_decoded ? "" : "not ") + "decodable here but " +
                              (base.time_decoded ? "" : "not ") + "in " + base_path);
  if (f.time_decoded && f.fields.calendar != base.fields.calendar)
    throw DataError(path, "calendar '" + f.fields.calendar + "' differs from '" + base.fields.calendar + "' in " + base_path);
}

}  // namespace

FieldDataset read_fields(const std::vector<std::string>& paths, const std::vector<std::string>& variables) {
  if (paths.empty()) throw InputError("", "no input files given");
  std::vector<FieldFile> files;
  for (const auto& p : paths) files.push_back(read_field_file(p, variables));

  for (const auto& v : variables) {
    bool found = false;
    for (const auto& f : files)
      for (const auto& c : f.fields.channels) found = found || c.variable == v;
    if (!found)
      throw DataError(paths[0], "no variable '" + v + "'" + (paths.size() > 1 ? " in any of the " + std::to_string(paths.size()) + " files" : "") +
                                    " (has: " + join_names(files[0].data_variables) + ")");
  }
  // A file holding none of the requested variables has nothing to add (and may be on another grid).
  std::vector<std::string> used;
  for (size_t i = 0; i < files.size(); ++i)
    if (!files[i].fields.channels.empty()) used.push_back(paths[i]);
  files.erase(std::remove_if(files.begin(), files.end(), [](const FieldFile& f) { return f.fields.channels.empty(); }),
              files.end());

  const FieldFile& base = files[0];
  Coordinate level;
  for (const auto& f : files)
    if (level.values.empty()) level = f.fields.level;
  for (size_t i = 1; i < files.size(); ++i) check_compatible(files[i], used[i], base, used[0], level);
  if (base.time_decoded) {
    const TimeUnits units = time_units_of(base.fields);
    for (size_t i = 1; i < files.size(); ++i) rebase_time(files[i].fields, units);
  }

  // Channels in order of first appearance; times sorted; each (time, channel) from exactly one file.
  std::vector<FieldChannel> channels;
  std::map<std::string, size_t> channel_index;
  std::map<double, std::pair<size_t, size_t>> times;  // key -> (file, time index there)
  for (size_t i = 0; i < files.size(); ++i) {
    for (const auto& c : files[i].fields.channels)
      if (channel_index.emplace(c.name, channels.size()).second) channels.push_back(c);
    for (size_t t = 0; t < files[i].fields.time.values.size(); ++t) times.emplace(time_key(files[i], t), std::make_pair(i, t));
  }

  FieldDataset out;
  out.channels = channels;
  out.latitude = base.fields.latitude;
  out.longitude = base.fields.longitude;
  out.level = level;
  out.calendar = base.fields.calendar;
  out.global_attributes = base.fields.global_attributes;
  out.time.name = base.fields.time.name;
  out.time.attributes = base.fields.time.attributes;
  const bool bounded = std::all_of(files.begin(), files.end(), [](const FieldFile& f) { return !f.fields.time.bounds.empty(); });
  std::map<double, size_t> time_index;
  for (const auto& [key, origin] : times) {
    const FieldDataset& d = files[origin.first].fields;
    time_index[key] = out.time.values.size();
    out.time.values.push_back(d.time.values[origin.second]);
    out.time_hours.push_back(d.time_hours[origin.second]);
    if (bounded) out.time.bounds.insert(out.time.bounds.end(), &d.time.bounds[2 * origin.second], &d.time.bounds[2 * origin.second + 2]);
  }

  const size_t plane = static_cast<size_t>(out.lats() * out.lons());
  out.values.assign(static_cast<size_t>(out.times() * out.num_channels()) * plane, std::nanf(""));
  std::vector<int> owner(static_cast<size_t>(out.times() * out.num_channels()), -1);
  for (size_t i = 0; i < files.size(); ++i) {
    const FieldDataset& d = files[i].fields;
    for (int64_t t = 0; t < d.times(); ++t) {
      const int64_t to = static_cast<int64_t>(time_index.at(time_key(files[i], static_cast<size_t>(t))));
      for (int64_t c = 0; c < d.num_channels(); ++c) {
        const int64_t co = static_cast<int64_t>(channel_index.at(d.channels[c].name));
        int& who = owner[static_cast<size_t>(to * out.num_channels() + co)];
        if (who >= 0)
          throw DataError(used[i], "'" + d.channels[c].name + "' at " + time_label(files[i].fields, files[i].time_decoded, static_cast<size_t>(t)) + " is " +
                                        (who == static_cast<int>(i) ? "in this file twice" : "also in " + used[who]));
        who = static_cast<int>(i);
        std::copy_n(&d.values[d.index(t, c, 0, 0)], plane, &out.values[out.index(to, co, 0, 0)]);
      }
    }
  }
  // A gap: blame the first file that has the channel, since it lacks this time.
  for (int64_t t = 0; t < out.times(); ++t)
    for (int64_t c = 0; c < out.num_channels(); ++c)
      if (owner[static_cast<size_t>(t * out.num_channels() + c)] < 0) {
        size_t holder = 0;
        while (files[holder].fields.channels.end() ==
               std::find_if(files[holder].fields.channels.begin(), files[holder].fields.channels.end(),
                            [&](const FieldChannel& fc) { return fc.name == out.channels[c].name; }))
          ++holder;
        throw DataError(used[holder], "'" + out.channels[c].name + "' has no data at " +
                                          time_label(out, base.time_decoded, static_cast<size_t>(t)) + ", which other files have");
      }
  return out;
}

}  // namespace tessera::weather
