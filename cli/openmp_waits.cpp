#include "cli/openmp_waits.h"

#include <limits.h>
#include <unistd.h>

#include <cstdlib>

namespace tessera::cli {

void restart_with_short_openmp_spins(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") || std::getenv("GOMP_SPINCOUNT")) return;
  // The executable's own path, not /proc/self/exe, so that ps and top still say `tessera`.
  char self[PATH_MAX];
  const ssize_t length = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (length <= 0 || setenv("GOMP_SPINCOUNT", "10000", 1) != 0) return;
  self[length] = '\0';
  execv(self, argv);
}

}  // namespace tessera::cli
