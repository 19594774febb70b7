#pragma once
// Machine load during a timed window, as the PyTorch reference measures it, so that results
// from a busy machine can be recognised.
#include <cstdint>

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

}  // namespace tessera::bench
