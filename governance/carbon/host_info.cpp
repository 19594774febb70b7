#include "governance/carbon/host_info.h"

#include <sched.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>

#include "governance/carbon/estimates.h"

namespace tessera::carbon {

HostInfo read_host_info() {
  HostInfo h;
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) != 0) continue;
    const size_t colon = line.find(':');
    if (colon != std::string::npos) h.cpu_model = line.substr(line.find_first_not_of(' ', colon + 1));
    break;
  }
  cpu_set_t set;
  CPU_ZERO(&set);
  h.cpu_count = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  h.ram_total_gb = static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGESIZE)) / kBytesPerGb;
  utsname u{};
  if (uname(&u) == 0) h.os = std::string(u.sysname) + "-" + u.release + "-" + u.machine;
  return h;
}

}  // namespace tessera::carbon
