#include "domains/weather/grid_axes.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/util/error.h"
#include "domains/weather/field_file_reader.h"

namespace tessera::weather {

namespace {

std::string at(size_t i) { return "index " + std::to_string(i); }

std::string named(const Coordinate& axis, const std::string& kind) { return kind + " '" + axis.name + "'"; }

void require_range(const std::string& path, const Coordinate& axis, const std::string& kind, double limit) {
  for (size_t i = 0; i < axis.values.size(); ++i)
    if (std::abs(axis.values[i]) > limit)
      throw DataError(path, named(axis, kind) + " has " + format_number(axis.values[i]) + " at " + at(i) + ", outside [" +
                                format_number(-limit) + ", " + format_number(limit) + "]");
}

// Repeats first (they say the most), then a change of direction.
void require_strictly_monotonic(const std::string& path, const Coordinate& axis, const std::string& kind) {
  const std::vector<double>& v = axis.values;
  std::vector<size_t> order(v.size());
  std::iota(order.begin(), order.end(), size_t(0));
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return v[a] < v[b]; });
  for (size_t k = 1; k < order.size(); ++k)
    if (v[order[k]] == v[order[k - 1]])
      throw DataError(path, "duplicate " + kind + " " + format_number(v[order[k]]) + " in '" + axis.name + "' (indices " +
                                std::to_string(order[k - 1]) + " and " + std::to_string(order[k]) + ")");
  for (size_t i = 2; i < v.size(); ++i)
    if ((v[i] > v[i - 1]) != (v[1] > v[0])) {
      const char* first = v[1] > v[0] ? "increases" : "decreases";
      const char* then = v[1] > v[0] ? "decreases" : "increases";
      throw DataError(path, named(axis, kind) + " is not monotonic: it " + first + " from " + format_number(v[0]) + " to " +
                                format_number(v[i - 1]) + ", then " + then + " to " + format_number(v[i]) + " at " + at(i));
    }
}

bool same_values(const std::vector<double>& a, const std::vector<double>& b, double tolerance) {
  for (size_t i = 0; i < a.size(); ++i)
    if (!(std::abs(a[i] - b[i]) <= tolerance)) return false;
  return true;
}

std::vector<double> sorted_meridians(const std::vector<double>& longitudes) {
  std::vector<double> m;
  for (double x : longitudes) m.push_back(x - 360.0 * std::floor(x / 360.0));
  std::sort(m.begin(), m.end());
  return m;
}

std::string span(const std::vector<double>& v) { return format_number(v.front()) + ".." + format_number(v.back()); }

std::string direction(const std::vector<double>& v, const std::string& kind) {
  const bool ascending = v.back() > v.front();
  if (kind == "latitude") return ascending ? "south to north" : "north to south";
  if (kind == "longitude") return ascending ? "west to east" : "east to west";
  return span(v);
}

}  // namespace

void require_finite_axis(const std::string& path, const Coordinate& axis, const std::string& kind) {
  // An empty axis (an unlimited dimension with no records) would otherwise surface as a field
  // with "no valid values".
  if (axis.values.empty()) throw DataError(path, named(axis, kind) + " has no points");
  for (size_t i = 0; i < axis.values.size(); ++i)
    if (!std::isfinite(axis.values[i]))
      throw DataError(path, named(axis, kind) + " has " + format_number(axis.values[i]) + " at " + at(i));
}

void require_valid_latitudes(const std::string& path, const Coordinate& latitude) {
  require_finite_axis(path, latitude, "latitude");
  require_range(path, latitude, "latitude", 90);
  require_strictly_monotonic(path, latitude, "latitude");
}

void require_valid_longitudes(const std::string& path, const Coordinate& longitude) {
  require_finite_axis(path, longitude, "longitude");
  require_range(path, longitude, "longitude", 360);
  require_strictly_monotonic(path, longitude, "longitude");
  const std::vector<double>& v = longitude.values;
  if (v.size() > 1 && std::abs(v.back() - v.front()) >= 360) {
    const std::string which = format_number(v.back()) + " at " + at(v.size() - 1) + " and " + format_number(v.front()) + " at " + at(0);
    throw DataError(path, named(longitude, "longitude") + " holds a meridian twice: " + which +
                              (std::abs(v.back() - v.front()) == 360 ? " (drop the cyclic point)" : ""));
  }
}

void require_valid_levels(const std::string& path, const Coordinate& level) {
  require_finite_axis(path, level, "level");
  require_strictly_monotonic(path, level, "level");
}

std::string axis_difference(const Coordinate& here, const Coordinate& there, const std::string& kind, double tolerance) {
  const std::vector<double>&a = here.values, &b = there.values;
  if (a.size() != b.size())
    return kind + " has " + std::to_string(a.size()) + " points here, " + std::to_string(b.size()) + " there";
  if (same_values(a, b, tolerance)) return "";
  if (a.size() > 1 && same_values(a, std::vector<double>(b.rbegin(), b.rend()), tolerance))
    return kind + "s run " + direction(a, kind) + " here, " + direction(b, kind) + " there";
  if (kind == "longitude" && same_values(sorted_meridians(a), sorted_meridians(b), tolerance))
    return "longitudes run " + span(a) + " here, " + span(b) + " there (the same meridians, starting elsewhere)";
  size_t i = 0;
  while (std::abs(a[i] - b[i]) <= tolerance) ++i;
  return kind + "[" + std::to_string(i) + "] is " + format_number(a[i]) + " here, " + format_number(b[i]) + " there";
}

}  // namespace tessera::weather
