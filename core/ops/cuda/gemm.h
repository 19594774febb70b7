#pragma once
// CUDA launchers of the GEMM ops, through cuBLASLt: row-major, contiguous operands of one dtype
// (f32, f64 or bf16 with fp32 accumulation) on one CUDA device. fp32 runs in full fp32 (no TF32).
#include <cstdint>

#include "core/ops/ops.h"

namespace tessera::cuda {

// C[i] = op(A[i]) op(B[i]) for i < batch, with C [m, n]; operand i starts stride_a (stride_b)
// elements after operand 0, and a stride of 0 shares one matrix across the batch.
struct GemmShape {
  bool trans_a = false, trans_b = false;
  int64_t m = 0, n = 0, k = 0;
  int64_t batch = 1, stride_a = 0, stride_b = 0;
};
void gemm(const GemmShape& shape, const Tensor& a, const Tensor& b, const Tensor& c);

// out = act(x W^T + bias) for x [rows, in], W [out, in], bias [out] (may be undefined); `pre`
// receives x W^T + bias when act is not none (the backward needs it), else it is `out` itself.
// Bias, and for bf16 tanh-GELU, run as cuBLASLt epilogues; other activations as a second kernel.
void linear_forward(const Tensor& x, const Tensor& weight, const Tensor& bias, ops::Activation act,
                    const Tensor& pre, const Tensor& out);

// out[c] = sum over rows of g[r, c] for g [rows, cols]: the bias gradient, in a fixed order.
void column_sums(const Tensor& g, const Tensor& out);

}  // namespace tessera::cuda
