#pragma once
// Machine load during a timed window, as the PyTorch reference measures it, so that results
// from a busy machine can be recognised.
#include <cstdint>
#include <string>

namespace tessera::bench {

struct CpuSnapshot {
  int64_t busy = 0, total = 0, steal = 0, own = 0;  // clock ticks
};

CpuSnapshot cpu_snapshot();

struct ForeignLoad {
  double other_processes;  // share of all CPU capacity used by other processes (incl. steal)
  double steal;
};
ForeignLoad foreign_load(const CpuSnapshot& a, const CpuSnapshot& b);

double peak_rss_mb();

// How this process's OpenMP threads wait while idle, which decides how a busy machine slows it
// (cli/openmp_waits.h): "GOMP_SPINCOUNT=10000", "OMP_WAIT_POLICY=active" or "libgomp default".
std::string openmp_waits();

}  // namespace tessera::bench
