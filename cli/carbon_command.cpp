#include <filesystem>
#include <iostream>
#include <memory>
#include <set>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "domains/plugin/flag_checks.h"
#include "core/util/error.h"
#include "governance/carbon/carbon_json.h"
#include "governance/carbon/carbon_reports.h"

namespace tessera::cli {
namespace {

struct CarbonReportFlags {
  std::string run_dir;
  std::vector<std::string> runs;
  std::string output_dir;
  std::string country;
  double pue = 0;
  double carbon_intensity = 0;
};

// The run's location with whatever the flags change: a new country brings its own intensity
// unless --carbon-intensity is given too.
carbon::Location relocated(const carbon::Location& old, const CarbonReportFlags& f) {
  const bool new_country = !f.country.empty();
  const double intensity = f.carbon_intensity > 0                              ? f.carbon_intensity
                           : !new_country && old.carbon_intensity_source == "given" ? old.carbon_intensity_g_per_kwh
                                                                                    : 0.0;
  return carbon::resolve_location(new_country ? f.country : old.country_iso3, f.pue > 0 ? f.pue : old.pue, intensity,
                                  "--country");
}

std::vector<carbon::CarbonRun> runs_of(const std::string& dir, const CarbonReportFlags& f) {
  std::vector<carbon::CarbonRun> runs = carbon::read_carbon_json((std::filesystem::path(dir) / "carbon.json").string());
  for (auto& r : runs) r.location = relocated(r.location, f);
  return runs;
}

nlohmann::ordered_json summary(const std::vector<carbon::CarbonRun>& runs) {
  const carbon::CarbonTotals t = carbon::total_of(runs);
  return {{"runs", runs.size()},
          {"duration_s", t.duration_s},
          {"energy_kwh", carbon::CarbonRun::joules_to_kwh(t.joules())},
          {"emissions_kg", t.emissions_kg}};
}

int run_carbon_report(const CarbonReportFlags& f) {
  if (!f.run_dir.empty()) {
    const std::vector<carbon::CarbonRun> runs = runs_of(f.run_dir, f);
    carbon::write_carbon_reports(f.run_dir, runs);
    nlohmann::ordered_json j = summary(runs);
    j["report"] = f.run_dir + "/carbon.html";
    print_result(j);
    return 0;
  }
  // A run counts once in the total however often it is listed: the same folder under two
  // spellings, or a carbon.json copied into another folder (the same run ids).
  std::vector<carbon::CarbonRun> all;
  std::set<std::string> folders, run_ids;
  nlohmann::ordered_json per_dir = nlohmann::ordered_json::array();
  for (const auto& dir : f.runs) {
    std::error_code ec;
    if (!folders.insert(std::filesystem::weakly_canonical(dir, ec).string()).second) continue;
    const std::vector<carbon::CarbonRun> runs = runs_of(dir, f);
    nlohmann::ordered_json j = summary(runs);
    j["run_dir"] = dir;
    per_dir.push_back(j);
    for (const carbon::CarbonRun& r : runs)
      if (run_ids.insert(r.run_id).second) all.push_back(r);
  }
  if (!f.output_dir.empty()) carbon::write_carbon_reports(f.output_dir, all);
  nlohmann::ordered_json j = summary(all);
  j["run_dirs"] = per_dir;
  if (!f.output_dir.empty()) j["report"] = f.output_dir + "/carbon.html";
  print_result(j);
  return 0;
}

}  // namespace

void add_carbon_command(CLI::App& app, Action& action) {
  CLI::App* carbon = app.add_subcommand("carbon", "Energy and carbon reports of metered runs");
  carbon->require_subcommand(1);
  auto f = std::make_shared<CarbonReportFlags>();
  CLI::App* report = carbon->add_subcommand(
      "report", "Regenerate a run directory's carbon reports (emissions.csv, carbon.json/.md/.html), or total several");
  auto* run_dir = report->add_option("--run-dir", f->run_dir, "Run directory whose reports to regenerate");
  auto* runs = report->add_option("--runs", f->runs, "Run directories to total (prints JSON; --output-dir writes reports)");
  run_dir->excludes(runs);
  report->add_option("--output-dir", f->output_dir, "With --runs: write the combined reports here")->needs(runs);
  report->add_option("--country", f->country, "Recompute with this country's carbon intensity (ISO 3166-1 alpha-3)");
  report->add_option("--pue", f->pue, "Recompute with this PUE")
      ->check(domains::finite_number())
      ->check(CLI::Range(1.0, 10.0));
  report->add_option("--carbon-intensity", f->carbon_intensity, "Recompute with this carbon intensity (gCO2eq/kWh)")
      ->check(domains::finite_number())
      ->check(CLI::PositiveNumber);
  report->parse_complete_callback([run_dir, runs] {
    if (run_dir->count() == 0 && runs->count() == 0) throw CLI::RequiredError("--run-dir or --runs");
  });
  on_parsed(report, action, f, run_carbon_report);
}

}  // namespace tessera::cli
