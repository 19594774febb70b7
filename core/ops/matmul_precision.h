#pragma once
// Whether fp32 matrix products on CUDA may round their inputs to TF32 (10-bit mantissa) and run
// on the tensor cores (about 7x the plain fp32 peak on an H100). Off by default, so that CUDA
// matches the CPU reference to fp32 rounding; `training.precision: tf32` turns it on for a run.
// The CPU has no TF32 and ignores it.
namespace tessera::ops {

void set_tf32_matmul(bool allowed);
bool tf32_matmul();

}  // namespace tessera::ops
