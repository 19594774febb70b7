#include "cli/carbon_options.h"

#include <ctime>
#include <filesystem>
#include <iostream>

#include "core/dist/communicator.h"
#include "domains/plugin/flag_checks.h"
#include "governance/carbon/carbon_reports.h"
#include "governance/carbon/report_tables.h"

namespace tessera::cli {

void add_carbon_flags(CLI::App& command, CarbonFlags& flags) {
  command.add_flag("--no-carbon", flags.disabled, "Do not meter energy or write carbon reports");
  command.add_option("--country", flags.country,
                     "Where the run draws its power: ISO 3166-1 alpha-3 code for the carbon intensity (default WLD, "
                     "the world average)");
  command.add_option("--pue", flags.pue, "Power usage effectiveness of the data centre (default 1.0)")
      ->check(domains::finite_number())
      ->check(CLI::Range(1.0, 10.0));
  command.add_option("--carbon-intensity", flags.carbon_intensity,
                     "Carbon intensity of the electricity in gCO2eq/kWh (replaces the country's)")
      ->check(domains::finite_number())
      ->check(CLI::PositiveNumber);
  command.add_option("--cpu-tdp", flags.cpu_tdp,
                     "CPU TDP in watts per package, for the estimate used when no energy counter is readable")
      ->check(domains::finite_number())
      ->check(CLI::PositiveNumber);
}

CarbonSettings carbon_settings(const CarbonFlags& flags) {
  CarbonSettings s;
  s.enabled = !flags.disabled;
  s.location = carbon::resolve_location(flags.country, flags.pue > 0 ? flags.pue : 1.0, flags.carbon_intensity, "--country");
  s.cpu_tdp_w = flags.cpu_tdp;
  return s;
}

CarbonSettings carbon_settings(const CarbonFlags& flags, config::Section section) {
  CarbonSettings s;
  s.enabled = section.boolean("enabled", true) && !flags.disabled;
  std::string country = section.text("country", carbon::kWorldIso3);
  double pue = section.number("pue", 1.0, 1.0, 10.0);
  double intensity = section.number("carbon_intensity", 0.0, 0.0);
  s.cpu_tdp_w = section.number("cpu_tdp", 0.0, 0.0);
  s.sample_interval_s = section.number("sample_interval_s", 1.0, 0.01, 3600.0);
  section.finish();
  std::string name, year;
  double table_intensity = 0;
  if (flags.country.empty() && !carbon::lookup_carbon_intensity(country, name, table_intensity, year))
    section.fail("country", "unknown country code '" + country + "' (expected an ISO 3166-1 alpha-3 code, see docs/carbon.md)");
  if (!flags.country.empty()) {
    country = flags.country;
    intensity = 0;  // a country on the command line brings its own intensity
  }
  if (flags.pue > 0) pue = flags.pue;
  if (flags.carbon_intensity > 0) intensity = flags.carbon_intensity;
  if (flags.cpu_tdp > 0) s.cpu_tdp_w = flags.cpu_tdp;
  s.location = carbon::resolve_location(country, pue, intensity, "--country");
  return s;
}

CarbonScope::CarbonScope(const CarbonSettings& settings, std::string command, std::string run_dir,
                         const std::string& base_phase)
    : settings_(settings),
      command_(std::move(command)),
      run_dir_(std::move(run_dir)),
      started_at_(carbon::utc_now()),
      meter_(dist::world(), carbon::MeterOptions{settings.sample_interval_s, settings.cpu_tdp_w, "", true, base_phase}) {}

training::PhaseListener CarbonScope::phase_listener() {
  return [this](const std::string& phase, bool begin) {
    if (begin) meter_.begin_phase(phase);
    else meter_.end_phase(phase);
  };
}

void CarbonScope::finish() {
  carbon::CarbonRun run;
  run.run_id = carbon::new_run_id();
  run.command = command_;
  run.started_at = started_at_;
  run.tool = std::string("tessera ") + TESSERA_VERSION;
  run.location = settings_.location;
  meter_.finish(run);
  if (!dist::world().is_root()) return;
  carbon::record_carbon_run(run_dir_, run);
  std::cerr << "tessera: carbon: " << carbon::energy_text(run.joules()) << ", " << carbon::mass_text(run.emissions_kg())
            << " (CPU " << run.cpu.method << ", GPU " << run.gpu.method << ", RAM " << run.ram.method << ") -> "
            << run_dir_ << "/carbon.html\n";
}

std::unique_ptr<CarbonScope> start_carbon(const CarbonSettings& settings, const std::string& command,
                                          const std::string& run_dir, const std::string& base_phase) {
  if (!settings.enabled) return nullptr;
  if (dist::world().is_root()) carbon::check_carbon_reports(run_dir);
  return std::make_unique<CarbonScope>(settings, command, run_dir, base_phase);
}

namespace {

std::string default_run_dir(const std::string& command, const std::string& checkpoint) {
  namespace fs = std::filesystem;
  const fs::path folder = fs::path(checkpoint).parent_path();
  if (folder.filename() == "checkpoints" && folder.has_parent_path()) return folder.parent_path().string();
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &utc);
  return "runs/" + command + "-" + stamp;
}

}  // namespace

void add_checkpoint_run_flags(CLI::App& command, CheckpointRunFlags& flags) {
  command.add_option("--run-dir", flags.run_dir,
                     "Where the carbon reports go (default: the checkpoint's run directory when it sits in "
                     "<run>/checkpoints/, else runs/<command>-<UTC time>)");
  add_carbon_flags(command, flags.carbon);
}

std::unique_ptr<CarbonScope> start_checkpoint_carbon(const CheckpointRunFlags& flags, const std::string& command,
                                                     const std::string& checkpoint, const std::string& base_phase) {
  const std::string run_dir = flags.run_dir.empty() ? default_run_dir(command, checkpoint) : flags.run_dir;
  return start_carbon(carbon_settings(flags.carbon), command, run_dir, base_phase.empty() ? command : base_phase);
}

}  // namespace tessera::cli
