#pragma once
// Meters a run's energy on every rank of a process group without counting anything twice:
// node-wide counters (RAPL packages and DRAM) are read by the node's local rank 0 only; GPUs are
// split among the node's ranks (each metered by one); estimates (CPU time, resident memory) are
// per process. Counters are read at start, at every phase boundary, every `sample_interval_s` on a
// background thread, and at the end; the energy between two reads goes to the phase that was
// current. finish() sums every rank's energy (all_reduce), so rank 0 can report the whole run.
#include <array>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/dist/communicator.h"
#include "governance/carbon/carbon_run.h"
#include "governance/carbon/energy_source.h"

namespace tessera::carbon {

struct MeterOptions {
  double sample_interval_s = 1.0;
  double cpu_tdp_w = 0;       // > 0: replaces the TDP table's value in the CPU estimate
  std::string powercap_root;  // empty: powercap_root()
  bool gpus = true;           // meter NVIDIA GPUs through NVML
  std::string base_phase = "other";  // the phase outside any begin/end pair
};

class EnergyMeter {
 public:
  EnergyMeter(dist::Communicator& comm, MeterOptions options);
  ~EnergyMeter();
  EnergyMeter(const EnergyMeter&) = delete;
  EnergyMeter& operator=(const EnergyMeter&) = delete;

  // Phases nest (an evaluation inside training); `phase` must be one of phase_names(). A failed
  // counter read is kept and thrown by finish(), so these are safe to call from destructors.
  void begin_phase(const std::string& phase);
  void end_phase(const std::string& phase);

  // Stops sampling and fills `run`'s duration, ranks, nodes, energies (with methods), phases,
  // samples, cpu and gpu fields with the sums over every rank. Collective: every rank calls it.
  void finish(CarbonRun& run);

 private:
  void read_sources();        // with mutex_ held
  bool read_or_keep_error();  // with mutex_ held; false once a read has failed
  void sampling_loop();

  dist::Communicator& comm_;
  MeterOptions options_;
  std::vector<std::unique_ptr<EnergySource>> sources_;
  std::array<std::string, kComponents> methods_;  // this rank's, also for components metered elsewhere on the node
  std::array<double, kComponents> last_joules_{};
  std::vector<int> phase_stack_;
  std::vector<PhaseEnergy> phases_;
  std::vector<PowerSample> samples_;
  double start_s_ = 0, last_read_s_ = 0;
  std::string cpu_model_;
  int cpu_count_ = 0;
  double ram_total_gb_ = 0;
  std::string os_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace tessera::carbon
