#include "cli/openmp_wait_policy.h"

#include <unistd.h>

#include <cstdlib>

namespace tessera::cli {

void restart_with_passive_openmp_waits(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") || std::getenv("GOMP_SPINCOUNT")) return;
  if (setenv("OMP_WAIT_POLICY", "passive", 1) != 0) return;
  execv("/proc/self/exe", argv);
}

}  // namespace tessera::cli
