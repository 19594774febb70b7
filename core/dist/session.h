#pragma once
// Joins the job this process was launched into. Under mpirun or srun (more than one rank), the
// session starts MPI and installs it as dist::world() for its lifetime; launched on its own, the
// process stays the single-process world. One session per process.
namespace tessera::dist {

// Ranks the launcher started (OpenMPI, PMI/PMIx, Slurm's srun), from its environment; 1 if none.
int launched_ranks();

class DistributedSession {
 public:
  // Throws ConfigError when launched as several ranks by a build without MPI.
  DistributedSession();
  // After a clean run: MPI is finalised. While an exception unwinds, it is left alone so that this
  // rank exits and the launcher ends the whole job instead of every rank waiting for it.
  ~DistributedSession();
  DistributedSession(const DistributedSession&) = delete;
  DistributedSession& operator=(const DistributedSession&) = delete;

 private:
  bool started_ = false;
};

}  // namespace tessera::dist
