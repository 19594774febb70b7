#include "governance/carbon/report_tables.h"

#include <cstdio>
#include <set>

namespace tessera::carbon {
namespace {

std::string fixed(double v, int digits) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", digits, v);
  return text;
}

std::string significant(double v) {
  char text[64];
  std::snprintf(text, sizeof text, "%.3g", v);
  return text;
}

std::vector<std::string> energy_cells(double cpu_j, double gpu_j, double ram_j, double kg) {
  return {energy_text(cpu_j), energy_text(gpu_j), energy_text(ram_j), energy_text(cpu_j + gpu_j + ram_j), mass_text(kg)};
}

}  // namespace

std::string energy_text(double joules) {
  if (joules < 3600) return significant(joules) + " J";
  if (joules < 3.6e6) return significant(joules / 3600) + " Wh";
  return significant(joules / 3.6e6) + " kWh";
}

std::string duration_text(double seconds) { return fixed(seconds, 1) + " s"; }

std::string mass_text(double kg) {
  if (kg < 1e-3) return significant(kg * 1e6) + " mg CO2eq";
  if (kg < 1) return significant(kg * 1e3) + " g CO2eq";
  return significant(kg) + " kg CO2eq";
}

ReportTable runs_table(const std::vector<CarbonRun>& runs) {
  ReportTable t{{"run", "command", "started (UTC)", "duration", "ranks / nodes", "CPU", "GPU", "RAM", "energy", "emissions"}, {}};
  for (const auto& r : runs) {
    std::vector<std::string> row = {r.run_id.substr(0, 8), r.command, r.started_at, duration_text(r.duration_s),
                                    std::to_string(r.ranks) + " / " + std::to_string(r.nodes)};
    for (auto& cell : energy_cells(r.cpu.joules, r.gpu.joules, r.ram.joules, r.emissions_kg())) row.push_back(cell);
    t.rows.push_back(row);
  }
  if (runs.size() > 1) {
    const CarbonTotals total = total_of(runs);
    std::vector<std::string> row = {"total", "", "", duration_text(total.duration_s), ""};
    for (auto& cell : energy_cells(total.cpu_j, total.gpu_j, total.ram_j, total.emissions_kg)) row.push_back(cell);
    t.rows.push_back(row);
  }
  return t;
}

ReportTable phases_table(const std::vector<CarbonRun>& runs) {
  ReportTable t{{"phase", "duration", "CPU", "GPU", "RAM", "energy", "emissions", "share of energy"}, {}};
  const double all_j = total_of(runs).joules();
  for (const auto& name : phase_names()) {
    PhaseEnergy sum{name};
    double kg = 0;
    for (const auto& r : runs)
      for (const auto& p : r.phases)
        if (p.phase == name) {
          sum.duration_s += p.duration_s;
          sum.cpu_j += p.cpu_j;
          sum.gpu_j += p.gpu_j;
          sum.ram_j += p.ram_j;
          kg += emissions_kg(CarbonRun::joules_to_kwh(p.joules()), r.location);
        }
    if (sum.duration_s <= 0) continue;
    std::vector<std::string> row = {name, duration_text(sum.duration_s)};
    for (auto& cell : energy_cells(sum.cpu_j, sum.gpu_j, sum.ram_j, kg)) row.push_back(cell);
    row.push_back(all_j > 0 ? fixed(100.0 * sum.joules() / all_j, 1) + " %" : "-");
    t.rows.push_back(row);
  }
  return t;
}

ReportTable methods_table(const std::vector<CarbonRun>& runs) {
  ReportTable t{{"run", "component", "method", "what was found"}, {}};
  for (const auto& r : runs)
    for (const auto* c : {&r.cpu, &r.gpu, &r.ram}) {
      const char* name = c == &r.cpu ? "CPU" : c == &r.gpu ? "GPU" : "RAM";
      t.rows.push_back({r.run_id.substr(0, 8), name, c->method, c->detail.empty() ? "-" : c->detail});
    }
  return t;
}

std::vector<std::string> carbon_statements(const std::vector<CarbonRun>& runs) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto kind = [](const std::string& method) {
    return method == "none" ? "" : method == "rapl" || method == "nvml_energy_counter" ? " (counter)" : " (estimate)";
  };
  for (const auto& r : runs) {
    const Location& l = r.location;
    const std::string measured = "Energy measured with: CPU " + r.cpu.method + kind(r.cpu.method) + ", GPU " +
                                 r.gpu.method + kind(r.gpu.method) + ", RAM " + r.ram.method + kind(r.ram.method) + ".";
    const std::string formula = "Emissions = energy x PUE " + significant(l.pue) + " x " +
                                significant(l.carbon_intensity_g_per_kwh) + " gCO2eq/kWh (" + l.country_name + ", " +
                                l.country_iso3 + "; " + l.carbon_intensity_source + ").";
    for (const std::string& s : {measured, formula})
      if (seen.insert(s).second) out.push_back(s);
  }
  return out;
}

}  // namespace tessera::carbon
