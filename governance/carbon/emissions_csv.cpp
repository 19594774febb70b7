#include "governance/carbon/emissions_csv.h"

#include <functional>
#include <sstream>

namespace tessera::carbon {
namespace {

std::string number(double v) {
  std::ostringstream os;
  os.precision(10);
  os << v;
  return os.str();
}

std::string quoted(const std::string& field) {
  if (field.find_first_of(",\"\n") == std::string::npos) return field;
  std::string q = "\"";
  for (char c : field) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

double mean_watts(double joules, double seconds) { return seconds > 0 ? joules / seconds : 0; }

using Column = std::pair<std::string, std::function<std::string(const CarbonRun&)>>;

const std::vector<Column>& columns() {
  static const std::vector<Column> cols = {
      {"timestamp", [](const CarbonRun& r) { return r.started_at; }},
      {"project_name", [](const CarbonRun& r) { return r.project_name; }},
      {"run_id", [](const CarbonRun& r) { return r.run_id; }},
      {"duration", [](const CarbonRun& r) { return number(r.duration_s); }},
      {"emissions", [](const CarbonRun& r) { return number(r.emissions_kg()); }},
      {"emissions_rate", [](const CarbonRun& r) { return number(r.duration_s > 0 ? r.emissions_kg() / r.duration_s : 0); }},
      {"cpu_power", [](const CarbonRun& r) { return number(mean_watts(r.cpu.joules, r.duration_s)); }},
      {"gpu_power", [](const CarbonRun& r) { return number(mean_watts(r.gpu.joules, r.duration_s)); }},
      {"ram_power", [](const CarbonRun& r) { return number(mean_watts(r.ram.joules, r.duration_s)); }},
      {"cpu_energy", [](const CarbonRun& r) { return number(CarbonRun::joules_to_kwh(r.cpu.joules)); }},
      {"gpu_energy", [](const CarbonRun& r) { return number(CarbonRun::joules_to_kwh(r.gpu.joules)); }},
      {"ram_energy", [](const CarbonRun& r) { return number(CarbonRun::joules_to_kwh(r.ram.joules)); }},
      {"energy_consumed", [](const CarbonRun& r) { return number(r.energy_kwh()); }},
      {"country_name", [](const CarbonRun& r) { return r.location.country_name; }},
      {"country_iso_code", [](const CarbonRun& r) { return r.location.country_iso3; }},
      {"region", [](const CarbonRun&) { return std::string(); }},
      {"cloud_provider", [](const CarbonRun&) { return std::string(); }},
      {"cloud_region", [](const CarbonRun&) { return std::string(); }},
      {"os", [](const CarbonRun& r) { return r.os; }},
      {"python_version", [](const CarbonRun&) { return std::string(); }},
      {"codecarbon_version", [](const CarbonRun&) { return std::string(); }},
      {"cpu_count", [](const CarbonRun& r) { return std::to_string(r.cpu_count); }},
      {"cpu_model", [](const CarbonRun& r) { return r.cpu_model; }},
      {"gpu_count", [](const CarbonRun& r) { return std::to_string(r.gpu_count); }},
      {"gpu_model", [](const CarbonRun& r) { return r.gpu_model; }},
      {"longitude", [](const CarbonRun&) { return std::string(); }},
      {"latitude", [](const CarbonRun&) { return std::string(); }},
      {"ram_total_size", [](const CarbonRun& r) { return number(r.ram_total_gb); }},
      // CodeCarbon's "machine" reads machine-wide counters, "process" attributes to the process.
      {"tracking_mode", [](const CarbonRun& r) { return std::string(r.cpu.method == "rapl" ? "machine" : "process"); }},
      {"on_cloud", [](const CarbonRun&) { return std::string("N"); }},
      {"pue", [](const CarbonRun& r) { return number(r.location.pue); }},
      {"tool", [](const CarbonRun& r) { return r.tool; }},
      {"command", [](const CarbonRun& r) { return r.command; }},
      {"cpu_method", [](const CarbonRun& r) { return r.cpu.method; }},
      {"gpu_method", [](const CarbonRun& r) { return r.gpu.method; }},
      {"ram_method", [](const CarbonRun& r) { return r.ram.method; }},
      {"carbon_intensity", [](const CarbonRun& r) { return number(r.location.carbon_intensity_g_per_kwh); }},
  };
  return cols;
}

}  // namespace

const std::vector<std::string>& emissions_csv_columns() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& c : columns()) out.push_back(c.first);
    return out;
  }();
  return names;
}

std::string emissions_csv(const std::vector<CarbonRun>& runs) {
  const auto& cols = columns();
  std::string text;
  for (size_t i = 0; i < cols.size(); ++i) text += (i ? "," : "") + cols[i].first;
  text += "\n";
  for (const auto& r : runs) {
    for (size_t i = 0; i < cols.size(); ++i) text += (i ? "," : "") + quoted(cols[i].second(r));
    text += "\n";
  }
  return text;
}

}  // namespace tessera::carbon
