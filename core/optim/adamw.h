#pragma once
#include <string>
#include <vector>

#include "core/nn/module.h"

namespace tessera::optim {

struct AdamWConfig {
  double lr = 3e-4;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.1;  // decoupled; applied to matrices and embeddings only (dim >= 2)
};

// AdamW as torch.optim.AdamW: p *= 1 - lr wd; m, v moments; bias-corrected step.
class AdamW {
 public:
  AdamW(nn::NamedTensors params, AdamWConfig config);
  // With weight decay chosen per tensor, for tensors that are pieces of parameters (a rank's
  // shard of the optimizer state under ZeRO-1): decay[i] applies to params[i].
  AdamW(nn::NamedTensors params, const std::vector<bool>& decay, AdamWConfig config);

  // One update with the current gradients at learning rate lr (the schedule's value).
  void step(double lr);
  void zero_grad();
  int64_t steps() const { return steps_; }
  void set_steps(int64_t s) { steps_ = s; }
  const AdamWConfig& config() const { return config_; }
  // Moments under "m/<param name>" and "v/<param name>", for checkpoints.
  nn::NamedTensors state() const;

 private:
  struct Slot {
    std::string name;
    Tensor param, m, v;
    bool decay;
  };
  std::vector<Slot> slots_;
  AdamWConfig config_;
  int64_t steps_ = 0;
};

// Scales all gradients so that their global L2 norm is at most max_norm (when max_norm > 0);
// returns the norm before clipping.
double clip_grad_norm(const std::vector<Tensor>& params, double max_norm);
// The parts of clip_grad_norm, for gradients spread over ranks: the sum of squares of these
// gradients, and scaling them so that a total of `norm` becomes at most max_norm.
double grad_squared_sum(const std::vector<Tensor>& params);
void clip_grads_to(const std::vector<Tensor>& params, double norm, double max_norm);

// Linear warm-up to base_lr over warmup_steps, then cosine decay to min_lr at total_steps.
struct LrSchedule {
  double base_lr = 3e-4;
  int64_t warmup_steps = 0;
  int64_t total_steps = 0;  // 0: constant after warm-up
  double min_lr = 0.0;
  double at(int64_t step) const;
};

}  // namespace tessera::optim
