#pragma once
// CUDA launcher of inverted dropout; x and out contiguous, one dtype, on one CUDA device.
#include <cstdint>

#include "core/tensor/tensor.h"

namespace tessera::cuda {

// out = x * keep / (1 - p), keep = random_uniform(seed, offset + i) >= p: the CPU's mask, bit for bit.
void dropout_forward(const Tensor& x, double p, uint64_t seed, uint64_t offset, const Tensor& out);

}  // namespace tessera::cuda
