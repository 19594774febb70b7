#pragma once
// CUDA launcher of the rotary position embedding. x [B, T, H, Dh] with packed heads (batch and
// time may be strided), positions [T] or [B, T] (i32 or i64, contiguous), out contiguous; all on
// one CUDA device.
#include "core/tensor/tensor.h"

namespace tessera::cuda {

// Rotates each (x[i], x[i + Dh/2]) pair by pos * theta^(-2i/Dh); direction -1 rotates back.
void rope_rotate(const Tensor& x, const Tensor& positions, double theta, int direction, const Tensor& out);

}  // namespace tessera::cuda
