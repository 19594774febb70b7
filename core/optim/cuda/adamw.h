#pragma once
// CUDA launchers of the optimizer: fused multi-tensor AdamW and the global gradient norm. All
// tensors are contiguous f32 on one CUDA device.
#include <vector>

#include "core/tensor/tensor.h"

namespace tessera::cuda {

struct AdamWTensors {
  Tensor param, grad, m, v;
  float decay;  // 1 - lr * weight_decay, or 1 for parameters without decay
};

struct AdamWScalars {
  float beta1, beta2, step_size, inv_sqrt_bc2, eps;
};

// One launch updates every tensor of the list, with the CPU step's arithmetic.
void adamw_step(const std::vector<AdamWTensors>& tensors, const AdamWScalars& s);

// The L2 norm over all the gradients, reduced on the device in a fixed order; one host read.
double global_norm(const std::vector<Tensor>& grads);

// out = factor * g, element-wise.
void scale_into(const Tensor& g, float factor, const Tensor& out);

}  // namespace tessera::cuda
