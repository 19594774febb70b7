#include "bench/cpu_load.h"

#include <sys/resource.h>
#include <sys/times.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>

namespace tessera::bench {

CpuSnapshot cpu_snapshot() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  int64_t v[8] = {};
  in >> cpu;
  for (int64_t& x : v) in >> x;  // user nice system idle iowait irq softirq steal
  CpuSnapshot s;
  for (int64_t x : v) s.total += x;
  s.busy = s.total - v[3] - v[4];
  s.steal = v[7];
  struct tms t;
  ::times(&t);
  s.own = t.tms_utime + t.tms_stime;
  return s;
}

ForeignLoad foreign_load(const CpuSnapshot& a, const CpuSnapshot& b) {
  const double total = static_cast<double>(std::max<int64_t>(1, b.total - a.total));
  return {std::max(0.0, static_cast<double>((b.busy - a.busy) - (b.own - a.own)) / total),
          static_cast<double>(b.steal - a.steal) / total};
}

double peak_rss_mb() {
  struct rusage u;
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // KiB on Linux
}

std::string openmp_waits() {
  for (const char* name : {"OMP_WAIT_POLICY", "GOMP_SPINCOUNT"})
    if (const char* value = std::getenv(name)) return std::string(name) + "=" + value;
  return "libgomp default";
}

}  // namespace tessera::bench
