#pragma once
// How fp32 matrix products may round their inputs, set once per run from its precision
// (core/nn/mixed_precision.h). Both are off by default, so that results match the fp32 reference.
namespace tessera::ops {

// CUDA: inputs round to TF32 (10-bit mantissa) and run on the tensor cores (about 7x the plain
// fp32 peak on an H100); `training.precision: tf32` turns it on. The CPU has no TF32.
void set_tf32_matmul(bool allowed);
bool tf32_matmul();

// CPU: inputs round to bf16 and multiply with fp32 accumulation (AVX512-BF16 or AMX dot products,
// cpu/bf16_gemm.h); parameters, activations and results stay fp32, as under
// torch.autocast("cpu", torch.bfloat16) for matrix products. The CPU's `precision: bf16`; only
// turned on where cpu::bf16_gemm_available().
void set_cpu_bf16_matmul(bool on);
bool cpu_bf16_matmul();

}  // namespace tessera::ops
