#pragma once
// What a report says about the machine: CPU model, logical CPUs, memory, operating system.
#include <string>

namespace tessera::carbon {

struct HostInfo {
  std::string cpu_model;  // /proc/cpuinfo "model name" (empty when unknown)
  int cpu_count = 0;      // logical CPUs this process may run on
  double ram_total_gb = 0;
  std::string os;         // e.g. Linux-6.1.0-18-amd64-x86_64
};

HostInfo read_host_info();

}  // namespace tessera::carbon
