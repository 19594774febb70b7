#pragma once
// The MPI backend of dist::Communicator (host memory), for runs launched by mpirun or srun.
// Compiled when TESSERA_MPI is ON.
#include <memory>

#include "core/dist/communicator.h"

namespace tessera::dist {

// Initialises MPI (once per process) and returns a communicator over MPI_COMM_WORLD.
std::unique_ptr<Communicator> start_mpi();
// Finalises MPI after a clean run. Not called when a rank fails: MPI_Finalize waits for every
// rank, and a rank stuck in a collective would then keep the job alive.
void finish_mpi();

}  // namespace tessera::dist
