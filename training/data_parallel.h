#pragma once
// Data-parallel AdamW over a communicator. Gradients are packed into buckets (parameters in
// reverse order, about the order the backward pass finishes them); each bucket is summed across
// ranks as soon as its last gradient is complete, while the backward pass goes on. Then either
// every rank updates every parameter (plain data parallel), or, with ZeRO-1, each rank holds the
// AdamW moments of its 1/N shard of every bucket only: buckets are reduce-scattered, each rank
// updates its shard and the new parameters are all-gathered. Gradient clipping always uses the
// norm over all ranks. Checkpoints hold the full moments whatever the number of ranks.
#include <memory>
#include <string>
#include <vector>

#include "core/dist/communicator.h"
#include "core/optim/adamw.h"
#include "training/train_state.h"

namespace tessera::training {

struct DataParallelConfig {
  bool shard_optimizer = false;  // ZeRO-1
  double bucket_mb = 25;         // target bucket size (MiB of f32 gradients)
};

class DataParallelOptimizer {
 public:
  DataParallelOptimizer(dist::Communicator& comm, nn::NamedTensors params, optim::AdamWConfig adamw,
                        DataParallelConfig config);
  ~DataParallelOptimizer();
  DataParallelOptimizer(const DataParallelOptimizer&) = delete;
  DataParallelOptimizer& operator=(const DataParallelOptimizer&) = delete;

  void zero_grad();
  // The backward pass of this rank's last micro-batch of the step: buckets leave while it runs.
  void backward_and_reduce(const Tensor& loss);
  // Waits for every bucket; returns the seconds spent waiting (communication not hidden). A
  // parameter no backward pass reached gets a zero gradient, on one rank as on many.
  double finish_reduction();
  // Clips to the global norm, updates the parameters; returns the norm before clipping. A NaN or
  // infinite gradient throws, naming the step and the first such parameter, before any update.
  double step(double lr, double max_norm);
  int64_t steps() const;
  // Bytes of AdamW moments this rank holds (its shard under ZeRO-1).
  int64_t moment_bytes() const;
  // Collective. Rank 0 writes `state` with the full optimizer moments to `path`.
  void save(const std::string& path, TrainState state);
  // Every rank reads `path` and keeps the moments of its shard.
  io::CheckpointMeta load(const std::string& path, TrainState state);

 private:
  struct Bucket;
  struct Piece;
  void on_grad_ready(const Tensor& param);
  void launch_ready_buckets();
  void all_gather_parameters();
  std::string non_finite_gradient(const nn::NamedTensors& local) const;
  std::unique_ptr<optim::AdamW> full_size_optimizer() const;

  dist::Communicator& comm_;
  nn::NamedTensors params_;
  optim::AdamWConfig adamw_config_;
  bool sharded_;
  std::vector<Bucket> buckets_;
  size_t next_launch_ = 0;
  std::vector<Piece> pieces_;  // ZeRO-1: this rank's shard, as 1-D views of parameters
  std::unique_ptr<optim::AdamW> adamw_;
};

}  // namespace tessera::training
