#pragma once
// The record of one metered run (a `train`, `eval` or `predict` command): what it measured, how,
// where, and what that means in carbon. Saved in carbon.json so every report can be regenerated.
#include <string>
#include <vector>

#include "governance/carbon/carbon_intensity.h"

namespace tessera::carbon {

// Phases a run's energy is attributed to; "other" is whatever lies outside the named ones
// (start-up, data loading, writing results).
inline const std::vector<std::string>& phase_names() {
  static const std::vector<std::string> names = {"train", "eval", "predict", "checkpoint", "other"};
  return names;
}

struct ComponentEnergy {
  double joules = 0;
  std::string method;  // "rapl", "tdp_x_cpu_time", ..., "none"; several joined by " + "
  std::string detail;  // what rank 0 found
};

struct PhaseEnergy {
  std::string phase;
  double duration_s = 0;
  double cpu_j = 0, gpu_j = 0, ram_j = 0;
  double joules() const { return cpu_j + gpu_j + ram_j; }
};

// Mean power over the interval that ends at t_s (seconds since the run started) and began at the
// previous sample (or 0).
struct PowerSample {
  double t_s = 0;
  double cpu_w = 0, gpu_w = 0, ram_w = 0;
  std::string phase;
};

struct CarbonRun {
  std::string run_id;
  std::string project_name = "tessera";
  std::string command;     // train, eval, predict
  std::string started_at;  // UTC, ISO 8601
  std::string tool;        // "tessera <version>"
  double duration_s = 0;
  int ranks = 1, nodes = 1;

  std::string cpu_model, gpu_model, os;
  int cpu_count = 0, gpu_count = 0;
  double ram_total_gb = 0;

  ComponentEnergy cpu, gpu, ram;
  std::vector<PhaseEnergy> phases;
  double sample_interval_s = 1;
  std::vector<PowerSample> samples;  // rank 0's
  Location location;

  double joules() const { return cpu.joules + gpu.joules + ram.joules; }
  double energy_kwh() const { return joules_to_kwh(joules()); }
  double emissions_kg() const { return carbon::emissions_kg(energy_kwh(), location); }
  static double joules_to_kwh(double j) { return j / 3.6e6; }
};

// Sums of several runs (for `carbon report --runs` and the totals of a run directory).
struct CarbonTotals {
  double duration_s = 0, cpu_j = 0, gpu_j = 0, ram_j = 0, emissions_kg = 0;
  double joules() const { return cpu_j + gpu_j + ram_j; }
};
CarbonTotals total_of(const std::vector<CarbonRun>& runs);

// A new random run id (UUID version 4 text, as CodeCarbon's run_id).
std::string new_run_id();
// Now, UTC, as 2026-11-29T09:05:39Z.
std::string utc_now();

}  // namespace tessera::carbon
