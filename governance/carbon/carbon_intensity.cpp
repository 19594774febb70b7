#include "governance/carbon/carbon_intensity.h"

#include <cctype>
#include <map>
#include <sstream>

#include "core/util/error.h"
#include "governance/carbon/csv_table.h"
#include "governance/carbon/embedded_tables.h"

namespace tessera::carbon {
namespace {

struct Row {
  std::string name;
  double g_per_kwh;
  std::string year;
};

const std::map<std::string, Row>& table() {
  static const std::map<std::string, Row> rows = [] {
    std::map<std::string, Row> out;
    for (const auto& f : parse_table(embedded::carbon_intensity_csv, 4, "carbon_intensity.csv"))
      out[f[0]] = Row{f[1], table_number(f[2], "carbon_intensity.csv"), f[3]};
    return out;
  }();
  return rows;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string shown(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

}  // namespace

bool lookup_carbon_intensity(const std::string& iso3, std::string& country_name, double& g_per_kwh, std::string& year) {
  auto it = table().find(upper(iso3));
  if (it == table().end()) return false;
  country_name = it->second.name;
  g_per_kwh = it->second.g_per_kwh;
  year = it->second.year;
  return true;
}

Location resolve_location(const std::string& iso3, double pue, double carbon_intensity_g_per_kwh,
                          const std::string& origin) {
  Location loc;
  loc.country_iso3 = upper(iso3.empty() ? kWorldIso3 : iso3);
  std::string year;
  if (!lookup_carbon_intensity(loc.country_iso3, loc.country_name, loc.carbon_intensity_g_per_kwh, year))
    throw InputError(origin, "unknown country code '" + iso3 +
                                 "' (expected an ISO 3166-1 alpha-3 code such as FRA, USA, DEU, or WLD for the world "
                                 "average; see docs/carbon.md)");
  loc.carbon_intensity_source = loc.country_iso3 == kWorldIso3
                                    ? "world average (CodeCarbon's default)"
                                    : "Ember / Our World in Data, " + year;
  if (carbon_intensity_g_per_kwh < 0)
    throw InputError(origin, "carbon intensity must be positive, got " + shown(carbon_intensity_g_per_kwh));
  if (carbon_intensity_g_per_kwh > 0) {
    loc.carbon_intensity_g_per_kwh = carbon_intensity_g_per_kwh;
    loc.carbon_intensity_source = "given";
  }
  if (!(pue >= 1.0) || !(pue <= 10.0)) throw InputError(origin, "PUE must be between 1 and 10, got " + shown(pue));
  loc.pue = pue;
  return loc;
}

double emissions_kg(double energy_kwh, const Location& location) {
  return energy_kwh * location.pue * location.carbon_intensity_g_per_kwh / 1000.0;
}

}  // namespace tessera::carbon
