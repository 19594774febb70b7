#include "governance/carbon/carbon_json.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/util/error.h"

namespace tessera::carbon {
namespace {

using nlohmann::ordered_json;

constexpr int kFormatVersion = 1;

ordered_json component_json(const ComponentEnergy& c) {
  return {{"joules", c.joules}, {"kwh", CarbonRun::joules_to_kwh(c.joules)}, {"method", c.method}, {"detail", c.detail}};
}

ComponentEnergy component_from(const ordered_json& j) {
  return {j.at("joules").get<double>(), j.at("method").get<std::string>(), j.at("detail").get<std::string>()};
}

ordered_json run_json(const CarbonRun& r) {
  ordered_json phases = ordered_json::array();
  for (const auto& p : r.phases)
    phases.push_back({{"phase", p.phase},
                      {"duration_s", p.duration_s},
                      {"cpu_j", p.cpu_j},
                      {"gpu_j", p.gpu_j},
                      {"ram_j", p.ram_j},
                      {"energy_kwh", CarbonRun::joules_to_kwh(p.joules())},
                      {"emissions_kg", emissions_kg(CarbonRun::joules_to_kwh(p.joules()), r.location)}});
  ordered_json t = ordered_json::array(), cpu = ordered_json::array(), gpu = ordered_json::array(),
               ram = ordered_json::array(), phase = ordered_json::array();
  for (const auto& s : r.samples) {
    t.push_back(s.t_s);
    cpu.push_back(s.cpu_w);
    gpu.push_back(s.gpu_w);
    ram.push_back(s.ram_w);
    phase.push_back(s.phase);
  }
  return {{"run_id", r.run_id},
          {"project_name", r.project_name},
          {"command", r.command},
          {"started_at", r.started_at},
          {"tool", r.tool},
          {"duration_s", r.duration_s},
          {"ranks", r.ranks},
          {"nodes", r.nodes},
          {"hardware",
           {{"cpu_model", r.cpu_model},
            {"cpu_count", r.cpu_count},
            {"gpu_model", r.gpu_model},
            {"gpu_count", r.gpu_count},
            {"ram_total_gb", r.ram_total_gb},
            {"os", r.os}}},
          {"location",
           {{"country_iso_code", r.location.country_iso3},
            {"country_name", r.location.country_name},
            {"carbon_intensity_g_per_kwh", r.location.carbon_intensity_g_per_kwh},
            {"carbon_intensity_source", r.location.carbon_intensity_source},
            {"pue", r.location.pue}}},
          {"cpu", component_json(r.cpu)},
          {"gpu", component_json(r.gpu)},
          {"ram", component_json(r.ram)},
          {"energy_kwh", r.energy_kwh()},
          {"emissions_kg", r.emissions_kg()},
          {"phases", phases},
          {"samples",
           {{"interval_s", r.sample_interval_s}, {"t_s", t}, {"cpu_w", cpu}, {"gpu_w", gpu}, {"ram_w", ram}, {"phase", phase}}}};
}

CarbonRun run_from(const ordered_json& j) {
  CarbonRun r;
  r.run_id = j.at("run_id").get<std::string>();
  r.project_name = j.at("project_name").get<std::string>();
  r.command = j.at("command").get<std::string>();
  r.started_at = j.at("started_at").get<std::string>();
  r.tool = j.at("tool").get<std::string>();
  r.duration_s = j.at("duration_s").get<double>();
  r.ranks = j.at("ranks").get<int>();
  r.nodes = j.at("nodes").get<int>();
  const auto& h = j.at("hardware");
  r.cpu_model = h.at("cpu_model").get<std::string>();
  r.cpu_count = h.at("cpu_count").get<int>();
  r.gpu_model = h.at("gpu_model").get<std::string>();
  r.gpu_count = h.at("gpu_count").get<int>();
  r.ram_total_gb = h.at("ram_total_gb").get<double>();
  r.os = h.at("os").get<std::string>();
  const auto& l = j.at("location");
  r.location.country_iso3 = l.at("country_iso_code").get<std::string>();
  r.location.country_name = l.at("country_name").get<std::string>();
  r.location.carbon_intensity_g_per_kwh = l.at("carbon_intensity_g_per_kwh").get<double>();
  r.location.carbon_intensity_source = l.at("carbon_intensity_source").get<std::string>();
  r.location.pue = l.at("pue").get<double>();
  r.cpu = component_from(j.at("cpu"));
  r.gpu = component_from(j.at("gpu"));
  r.ram = component_from(j.at("ram"));
  for (const auto& p : j.at("phases"))
    r.phases.push_back({p.at("phase").get<std::string>(), p.at("duration_s").get<double>(), p.at("cpu_j").get<double>(),
                        p.at("gpu_j").get<double>(), p.at("ram_j").get<double>()});
  const auto& s = j.at("samples");
  r.sample_interval_s = s.at("interval_s").get<double>();
  const auto& t = s.at("t_s");
  for (size_t i = 0; i < t.size(); ++i)
    r.samples.push_back({t.at(i).get<double>(), s.at("cpu_w").at(i).get<double>(), s.at("gpu_w").at(i).get<double>(),
                         s.at("ram_w").at(i).get<double>(), s.at("phase").at(i).get<std::string>()});
  return r;
}

}  // namespace

std::string carbon_json(const std::vector<CarbonRun>& runs) {
  const CarbonTotals t = total_of(runs);
  ordered_json all = ordered_json::array();
  for (const auto& r : runs) all.push_back(run_json(r));
  ordered_json j = {{"format", "tessera-carbon"},
                    {"version", kFormatVersion},
                    {"total",
                     {{"runs", runs.size()},
                      {"duration_s", t.duration_s},
                      {"cpu_kwh", CarbonRun::joules_to_kwh(t.cpu_j)},
                      {"gpu_kwh", CarbonRun::joules_to_kwh(t.gpu_j)},
                      {"ram_kwh", CarbonRun::joules_to_kwh(t.ram_j)},
                      {"energy_kwh", CarbonRun::joules_to_kwh(t.joules())},
                      {"emissions_kg", t.emissions_kg}}},
                    {"runs", all}};
  return j.dump(1) + "\n";
}

std::vector<CarbonRun> read_carbon_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "no carbon report here (runs write carbon.json unless --no-carbon was given)");
  std::stringstream text;
  text << in.rdbuf();
  std::vector<CarbonRun> runs;
  try {
    const ordered_json j = ordered_json::parse(text.str());
    if (j.value("format", "") != "tessera-carbon") throw InputError(path, "is not a tessera carbon report");
    if (j.value("version", 0) != kFormatVersion)
      throw InputError(path, "has carbon report version " + j.at("version").dump() + "; this tessera reads version " +
                                 std::to_string(kFormatVersion));
    for (const auto& r : j.at("runs")) runs.push_back(run_from(r));
  } catch (const nlohmann::json::parse_error& e) {
    // The library's own text ("[json.exception.parse_error.101] ...") means nothing to users.
    throw InputError(path, "unreadable carbon report: not valid JSON (at byte " + std::to_string(e.byte) + ")");
  } catch (const nlohmann::json::exception&) {
    throw InputError(path, "unreadable carbon report: a field is missing or has the wrong type");
  }
  return runs;
}

}  // namespace tessera::carbon
