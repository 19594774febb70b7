#pragma once
// How fp32 matrix products may round their inputs, set once per run from its precision
// (core/nn/mixed_precision.h). Both are off by default, so that results match the fp32 reference.
#include <cstdint>

namespace tessera::ops {

// CUDA: inputs round to TF32 (10-bit mantissa) and run on the tensor cores (about 7x the plain
// fp32 peak on an H100); `training.precision: tf32` turns it on. The CPU has no TF32.
void set_tf32_matmul(bool allowed);
bool tf32_matmul();

// CPU: inputs round to bf16 and multiply with fp32 accumulation (AVX512-BF16 or AMX dot products,
// cpu/bf16_gemm.h); parameters, activations and results stay fp32, as under
// torch.autocast("cpu", torch.bfloat16) for matrix products. The CPU's `precision: bf16`; only
// turned on where cpu::bf16_gemm_available(). A product with a dimension under `min_dimension`
// stays fp32: rounding both operands costs about as much as the product then saves. Attention's
// per-head products (head dim 32-64) measured so: with them in fp32, the small benchmark's bf16
// training went from 3,540 to 4,440 tokens/s. Tests set 0 to send every product through bf16.
void set_cpu_bf16_matmul(bool on, int64_t min_dimension = 128);
// Whether an m x k by k x n product takes bf16 operands.
bool cpu_bf16_matmul(int64_t m, int64_t n, int64_t k);

}  // namespace tessera::ops
