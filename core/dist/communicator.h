#pragma once
// The process group a run belongs to. One rank per process; ranks on the same node form a node
// group, so per-node work (reading the node's energy counters, say) is done once per node.
// `world()` is the single-process communicator unless a distributed backend (MPI) has been
// started, so code written against it runs unchanged on a laptop and under mpirun/srun.
//
// Collectives on host memory. The `start_*` forms return at once with a Request, so gradient
// buckets travel while the backward pass continues; every rank must start the same collectives
// in the same order. GPU buffers go through dist::NcclCommunicator (core/dist/nccl_communicator.h).
#include <cstddef>
#include <memory>
#include <string>

#include "core/tensor/tensor.h"

namespace tessera::dist {

enum class ReduceOp { sum, max, min };

// A collective in flight. wait() returns when its buffers may be read and reused.
class Request {
 public:
  virtual ~Request() = default;
  // Lets the transport make progress; true once the collective has completed.
  virtual bool test() = 0;
  virtual void wait() = 0;
};

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

  // Sums `count` floats in place across every rank.
  virtual std::unique_ptr<Request> start_all_reduce(float* data, size_t count) = 0;
  // `send` holds size() blocks of `count` floats; this rank receives in `recv` the sum over
  // ranks of block rank().
  virtual std::unique_ptr<Request> start_reduce_scatter(const float* send, float* recv, size_t count) = 0;
  // Every rank contributes `count` floats from `send`; `recv` receives size() blocks, block i
  // from rank i. `send` may be `recv + rank() * count` (in place).
  virtual std::unique_ptr<Request> start_all_gather(const float* send, float* recv, size_t count) = 0;
  // Copies `bytes` bytes from rank `root` to every rank.
  virtual void broadcast(void* data, size_t bytes, int root) = 0;

  void all_reduce(float* data, size_t count) { start_all_reduce(data, count)->wait(); }
  void reduce_scatter(const float* send, float* recv, size_t count) { start_reduce_scatter(send, recv, count)->wait(); }
  void all_gather(const float* send, float* recv, size_t count) { start_all_gather(send, recv, count)->wait(); }
  double all_reduce(double value, ReduceOp op) {
    all_reduce(&value, 1, op);
    return value;
  }

  // Tensor forms: contiguous f32 tensors on the CPU.
  void all_reduce(const Tensor& t);
  // `recv` holds send.numel() / size() elements.
  void reduce_scatter(const Tensor& send, const Tensor& recv);
  // `recv` holds send.numel() * size() elements.
  void all_gather(const Tensor& send, const Tensor& recv);
  // Any dtype.
  void broadcast(const Tensor& t, int root);
};

// A request that was complete when it was made (single process, empty buffers).
class CompletedRequest final : public Request {
 public:
  bool test() override { return true; }
  void wait() override {}
};

// The communicator of this process: single-process until set_world() installs another.
Communicator& world();
void set_world(std::unique_ptr<Communicator> communicator);

}  // namespace tessera::dist
