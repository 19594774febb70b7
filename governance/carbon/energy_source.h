#pragma once
// One place a run's energy comes from: a hardware counter (RAPL, NVML) or an estimate (TDP x CPU
// time, resident memory). Every number in a report names the method that produced it.
#include <string>

namespace tessera::carbon {

enum class Component { cpu, gpu, ram };
inline constexpr int kComponents = 3;

class EnergySource {
 public:
  virtual ~EnergySource() = default;
  virtual Component component() const = 0;
  // How the joules are obtained: "rapl", "nvml_energy_counter", "tdp_x_cpu_time", ...
  virtual std::string method() const = 0;
  // What was found (domains, devices, the TDP row used), one line for the report.
  virtual std::string detail() const = 0;
  // Joules since the source was opened. Called by one thread at a time.
  virtual double joules() = 0;
};

}  // namespace tessera::carbon
