#include "core/dist/session.h"

#include <cstdlib>
#include <exception>
#include <memory>
#include <string>

#include "core/dist/communicator.h"
#include "core/util/error.h"
#ifdef TESSERA_HAVE_MPI
#include "core/dist/mpi_communicator.h"
#endif

namespace tessera::dist {

int launched_ranks() {
  for (const char* variable : {"OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "PMI_SIZE", "SLURM_STEP_NUM_TASKS"}) {
    const char* value = std::getenv(variable);
    if (value && std::atoi(value) > 1) return std::atoi(value);
  }
  return 1;
}

DistributedSession::DistributedSession() {
  const int ranks = launched_ranks();
  if (ranks <= 1) return;
#ifdef TESSERA_HAVE_MPI
  std::unique_ptr<Communicator> mpi = start_mpi();
  started_ = true;
  // MPI that cannot reach the launcher starts every rank alone; they would all write one run.
  if (mpi->size() != ranks)
    throw ConfigError("", "launched as " + std::to_string(ranks) + " ranks, but MPI sees " + std::to_string(mpi->size()) +
                              ": under Slurm, start with srun --mpi=pmix (or pmi2)");
  set_world(std::move(mpi));
#else
  throw ConfigError("", "launched as " + std::to_string(ranks) +
                            " ranks, but this build has no MPI: rebuild with -DTESSERA_MPI=ON");
#endif
}

DistributedSession::~DistributedSession() {
  if (!started_) return;
  if (std::uncaught_exceptions() > 0) return;
  set_world(nullptr);
#ifdef TESSERA_HAVE_MPI
  finish_mpi();
#endif
}

}  // namespace tessera::dist
