#pragma once
// Energy and carbon accounting for any command that does work (train, eval, predict): the flags,
// the `carbon:` config section, and a scope that meters the command and writes its reports
// (emissions.csv, carbon.json, carbon.md, carbon.html) into the run directory.
//
// Adding it to a command: add_carbon_flags(*cmd, flags) when registering; then in the action
//   CarbonSettings s = carbon_settings(flags);            // or (flags, root.section("carbon"))
//   auto carbon = start_carbon(s, "predict", run_dir, "predict");
//   ... work (report phases with carbon->phase_listener() or begin_phase/end_phase) ...
//   if (carbon) carbon->finish();
#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "core/config/config.h"
#include "governance/carbon/carbon_intensity.h"
#include "governance/carbon/energy_meter.h"
#include "training/trainer.h"

namespace tessera::cli {

// What the command line said; zero or empty means "not given".
struct CarbonFlags {
  bool disabled = false;
  std::string country;
  double pue = 0;
  double carbon_intensity = 0;
  double cpu_tdp = 0;
};

// --no-carbon, --country, --pue, --carbon-intensity, --cpu-tdp.
void add_carbon_flags(CLI::App& command, CarbonFlags& flags);

struct CarbonSettings {
  bool enabled = true;
  carbon::Location location;
  double cpu_tdp_w = 0;  // 0: from the TDP table
  double sample_interval_s = 1.0;
};

// The flags alone (commands without a config); bad values are InputErrors naming the flag.
CarbonSettings carbon_settings(const CarbonFlags& flags);
// The config's `carbon:` section (enabled, country, pue, carbon_intensity, cpu_tdp,
// sample_interval_s; read here, so the section passes the config's unknown-key check),
// overridden by the flags.
CarbonSettings carbon_settings(const CarbonFlags& flags, config::Section section);

class CarbonScope {
 public:
  CarbonScope(const CarbonSettings& settings, std::string command, std::string run_dir, const std::string& base_phase);
  training::PhaseListener phase_listener();
  void begin_phase(const std::string& phase) { meter_.begin_phase(phase); }
  void end_phase(const std::string& phase) { meter_.end_phase(phase); }
  // Stops metering, sums over every rank (collective) and, on rank 0, writes the reports into the
  // run directory and prints one summary line on stderr.
  void finish();

 private:
  CarbonSettings settings_;
  std::string command_, run_dir_, started_at_;
  carbon::EnergyMeter meter_;
};

// A scope when accounting is enabled, else null.
std::unique_ptr<CarbonScope> start_carbon(const CarbonSettings& settings, const std::string& command,
                                          const std::string& run_dir, const std::string& base_phase);

// Commands that run a trained checkpoint (eval, predict): --run-dir and the carbon flags.
struct CheckpointRunFlags {
  std::string run_dir;
  CarbonFlags carbon;
};
void add_checkpoint_run_flags(CLI::App& command, CheckpointRunFlags& flags);
// Meters `command` into --run-dir or, without it, into the training run directory of a checkpoint
// at <run>/checkpoints/<file>, else runs/<command>-<UTC time>. Its energy is booked to the phase
// `base_phase` (empty: the command's name, which must then be a phase: eval, predict).
std::unique_ptr<CarbonScope> start_checkpoint_carbon(const CheckpointRunFlags& flags, const std::string& command,
                                                     const std::string& checkpoint, const std::string& base_phase = "");

}  // namespace tessera::cli
