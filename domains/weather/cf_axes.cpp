#include "domains/weather/cf_axes.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

namespace tessera::weather {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// UDUNITS spellings that CF lists for latitude and longitude.
const std::set<std::string> kNorthUnits = {"degrees_north", "degree_north", "degree_n", "degrees_n", "degreen", "degreesn"};
const std::set<std::string> kEastUnits = {"degrees_east", "degree_east", "degree_e", "degrees_e", "degreee", "degreese"};
const std::set<std::string> kPressureUnits = {"pa", "hpa", "kpa", "mbar", "millibar", "millibars", "mb", "bar", "dbar", "decibar"};
const std::set<std::string> kVerticalNames = {
    "air_pressure", "altitude", "height", "depth", "height_above_mean_sea_level", "model_level_number",
    "atmosphere_hybrid_sigma_pressure_coordinate", "atmosphere_sigma_coordinate", "atmosphere_hybrid_height_coordinate",
    "air_potential_temperature"};

bool is_time_units(const std::string& units) {
  static const std::regex since(R"(^\s*[A-Za-z]+\s+since\s+.+)", std::regex::icase);
  return std::regex_match(units, since);
}

}  // namespace

std::string text_attribute(const Attributes& attributes, const std::string& name) {
  const auto it = attributes.find(name);
  return it == attributes.end() || !it->second.is_text() ? "" : it->second.text;
}

AxisRole axis_role(const Attributes& attributes) {
  const std::string standard_name = lower(text_attribute(attributes, "standard_name"));
  if (standard_name == "latitude") return AxisRole::latitude;
  if (standard_name == "longitude") return AxisRole::longitude;
  if (standard_name == "time") return AxisRole::time;
  if (kVerticalNames.count(standard_name)) return AxisRole::level;

  const std::string units = lower(text_attribute(attributes, "units"));
  const std::string axis = lower(text_attribute(attributes, "axis"));
  // axis X/Y also marks projection coordinates (metres); only degrees make a lat-lon grid.
  const bool angular = units.empty() || units.rfind("degree", 0) == 0;
  if (axis == "y" && angular) return AxisRole::latitude;
  if (axis == "x" && angular) return AxisRole::longitude;
  if (axis == "z") return AxisRole::level;
  if (axis == "t") return AxisRole::time;

  if (kNorthUnits.count(units)) return AxisRole::latitude;
  if (kEastUnits.count(units)) return AxisRole::longitude;
  if (is_time_units(units)) return AxisRole::time;
  if (kPressureUnits.count(units) || !text_attribute(attributes, "positive").empty()) return AxisRole::level;
  return AxisRole::unknown;
}

std::string axis_clues(AxisRole role) {
  switch (role) {
    case AxisRole::latitude: return "standard_name latitude, axis Y, units degrees_north";
    case AxisRole::longitude: return "standard_name longitude, axis X, units degrees_east";
    case AxisRole::time: return "standard_name time, axis T, units '<unit> since <date>'";
    case AxisRole::level: return "a vertical standard_name, axis Z, pressure units or a positive attribute";
    default: return "";
  }
}

}  // namespace tessera::weather
