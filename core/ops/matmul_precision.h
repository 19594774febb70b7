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
// turned on where cpu::bf16_gemm_available(). Products of fewer than `min_multiply_adds` (m n k)
// stay fp32: below about 2^18 (attention's per-block products at small sizes) rounding and
// oneDNN's call cost more than bf16 saves. Tests set 0 to send every product through bf16.
void set_cpu_bf16_matmul(bool on, int64_t min_multiply_adds = int64_t(1) << 18);
// Whether a product of m n k multiply-adds takes bf16 operands.
bool cpu_bf16_matmul(int64_t multiply_adds);

}  // namespace tessera::ops
