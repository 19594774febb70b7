#pragma once
// CUDA launchers of LayerNorm / RMSNorm (centered = LayerNorm) over the last dimension, and of the
// fused residual add in front of them. Tensors contiguous, one dtype, on one CUDA device; the
// per-row mean and rstd are in the statistics dtype (f32 for bf16 inputs, else the input's).
#include "core/tensor/tensor.h"

namespace tessera::cuda {

// y = (h - mean) * rstd * gamma (+ beta) for h = x, or for h = x + residual when residual is
// defined (h is then written to sum). beta may be undefined.
void normalize_forward(const Tensor& x, const Tensor& residual, const Tensor& sum, const Tensor& gamma,
                       const Tensor& beta, double eps, bool centered, const Tensor& y, const Tensor& mean,
                       const Tensor& rstd);
// gx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), dxhat = g * gamma.
void normalize_backward_input(const Tensor& x, const Tensor& g, const Tensor& gamma, const Tensor& mean,
                              const Tensor& rstd, bool centered, const Tensor& gx);
// ggamma = column sums of g * xhat, gbeta = column sums of g; either may be undefined.
void normalize_backward_params(const Tensor& x, const Tensor& g, const Tensor& mean, const Tensor& rstd,
                               const Tensor& ggamma, const Tensor& gbeta);

}  // namespace tessera::cuda
