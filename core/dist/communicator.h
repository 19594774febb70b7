#pragma once
// The process group a run belongs to. One rank per process; ranks on the same node form a node
// group, so per-node work (reading the node's energy counters, say) is done once per node.
// `world()` is the single-process communicator unless a distributed backend (MPI) has been
// started, so code written against it runs unchanged on a laptop and under mpirun/srun.
#include <cstddef>
#include <memory>
#include <string>

namespace tessera::dist {

enum class ReduceOp { sum, max, min };

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Position among the ranks that share this node, and how many there are.
  virtual int local_rank() const = 0;
  virtual int local_size() const = 0;
  // Host name of this rank's node (the node group key).
  virtual std::string node_name() const = 0;
  // In place, across every rank; every rank receives the result.
  virtual void all_reduce(double* values, size_t count, ReduceOp op) = 0;
  virtual void barrier() = 0;
  bool is_root() const { return rank() == 0; }
};

// The communicator of this process: single-process until set_world() installs another.
Communicator& world();
void set_world(std::unique_ptr<Communicator> communicator);

}  // namespace tessera::dist
