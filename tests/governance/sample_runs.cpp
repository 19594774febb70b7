#include "tests/governance/sample_runs.h"

namespace tessera::test_support {

carbon::CarbonRun sample_training_run() {
  carbon::CarbonRun r;
  r.run_id = "0f3c2a1e-5b7d-4c9e-8a6f-1d2e3f4a5b6c";
  r.command = "train";
  r.started_at = "2026-11-29T09:00:00Z";
  r.tool = "tessera test";
  r.duration_s = 100;
  r.cpu_model = "AMD EPYC 7763 64-Core Processor";
  r.cpu_count = 128;
  r.gpu_model = "1 x NVIDIA H200";
  r.gpu_count = 1;
  r.ram_total_gb = 512;
  r.os = "Linux-6.1.0-x86_64";
  r.cpu = {3.6e6, "rapl", "powercap domains intel-rapl:0 (package-0)"};
  r.gpu = {1.8e6, "nvml_energy_counter", "1 GPU(s): NVIDIA H200 (total-energy counter)"};
  r.ram = {0.36e6, "resident_memory_x_0.375_w_per_gb", "3 W per 8 GB of resident memory"};
  r.phases = {{"train", 80, 3.0e6, 1.5e6, 0.3e6}, {"eval", 15, 0.5e6, 0.25e6, 0.05e6}, {"other", 5, 0.1e6, 0.05e6, 0.01e6}};
  for (int i = 1; i <= 100; ++i) {
    const std::string phase = i <= 5 ? "other" : i <= 85 ? "train" : "eval";
    r.samples.push_back({static_cast<double>(i), 20000.0 + 300.0 * i, 15000.0 + (i % 7) * 500.0, 3600.0, phase});
  }
  r.location = carbon::resolve_location("FRA", 1.2, 0, "test");
  return r;
}

}  // namespace tessera::test_support
