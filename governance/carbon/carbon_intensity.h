#pragma once
// Where a run's electricity came from: the grid's carbon intensity (governance/data/
// carbon_intensity.csv, by ISO 3166-1 alpha-3 code, compiled in) and the data centre's PUE.
#include <string>

namespace tessera::carbon {

inline constexpr const char* kWorldIso3 = "WLD";

struct Location {
  std::string country_iso3 = kWorldIso3;
  std::string country_name = "World";
  double carbon_intensity_g_per_kwh = 475;
  std::string carbon_intensity_source;  // the table row (and its year) or "given"
  double pue = 1.0;
};

// The location for `iso3` (any case). `carbon_intensity_g_per_kwh` > 0 replaces the table's
// value. An unknown code or a PUE below 1 is an InputError naming `origin` (the flag or config file).
Location resolve_location(const std::string& iso3, double pue, double carbon_intensity_g_per_kwh,
                          const std::string& origin);

// gCO2eq/kWh of a country in the shipped table; false when the code is not there.
bool lookup_carbon_intensity(const std::string& iso3, std::string& country_name, double& g_per_kwh, std::string& year);

// kg CO2eq for `energy_kwh` of IT energy: energy x PUE x intensity.
double emissions_kg(double energy_kwh, const Location& location);

}  // namespace tessera::carbon
