#pragma once
// Energy estimates for when no counter can be read (virtual machines, containers, RAPL readable
// by root only).
//
// CPU: TDP per hardware thread x the CPU time of this process (getrusage: user + system time of
// all its threads). Process CPU time, not /proc/stat, because /proc/stat counts every process of
// the machine (other jobs, other tenants of a VM host) and, with several ranks per node, each
// rank's own CPU time adds up across ranks without counting anything twice.
//
// RAM: 3 W per 8 GB (0.375 W/GB, CodeCarbon's figure) of this process's resident memory,
// integrated over time.
#include <memory>
#include <string>

#include "governance/carbon/energy_source.h"
#include "governance/carbon/tdp_table.h"

namespace tessera::carbon {

// GB as CodeCarbon counts them (2^30 bytes), for its 3 W per 8 GB and its ram_total_size column.
inline constexpr double kBytesPerGb = 1073741824.0;
inline constexpr double kRamWattsPerGb = 3.0 / 8.0;

// CPU seconds (user + system) this process has used so far.
double process_cpu_seconds();
// Bytes of this process's resident memory now.
double process_resident_bytes();

class CpuTimeEstimate final : public EnergySource {
 public:
  // `tdp_override_w` > 0 replaces the table's TDP (the row's thread count stays).
  CpuTimeEstimate(const std::string& cpu_model, double tdp_override_w);
  Component component() const override { return Component::cpu; }
  std::string method() const override { return "tdp_x_cpu_time"; }
  std::string detail() const override { return detail_; }
  double joules() override;
  double watts_per_thread() const { return watts_per_thread_; }

 private:
  double watts_per_thread_ = 0;
  double start_cpu_s_ = 0;
  std::string detail_;
};

class ResidentMemoryEstimate final : public EnergySource {
 public:
  ResidentMemoryEstimate();
  Component component() const override { return Component::ram; }
  std::string method() const override { return "resident_memory_x_0.375_w_per_gb"; }
  std::string detail() const override { return "3 W per 8 GB of resident memory (CodeCarbon's figure)"; }
  double joules() override;

 private:
  double last_time_ = 0, last_watts_ = 0, total_j_ = 0;
};

}  // namespace tessera::carbon
