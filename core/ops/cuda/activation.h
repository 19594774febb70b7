#pragma once
// CUDA launchers of the activation ops; tensors contiguous, same dtype, on one CUDA device.
#include "core/ops/ops.h"

namespace tessera::cuda {

void activation_forward(ops::Activation act, const Tensor& x, const Tensor& out);
void activation_backward(ops::Activation act, const Tensor& x, const Tensor& grad_out, const Tensor& grad_in);
void softshrink_forward(const Tensor& x, double lambda, const Tensor& out);
void softshrink_backward(const Tensor& x, double lambda, const Tensor& grad_out, const Tensor& grad_in);

}  // namespace tessera::cuda
