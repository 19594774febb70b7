#pragma once
// CUDA launchers of the sums; inputs contiguous, outputs contiguous, one dtype, on one CUDA device.
#include <cstdint>

#include "core/tensor/tensor.h"

namespace tessera::cuda {

// out [outer, inner] = factor * the sum over n of x viewed as [outer, n, inner].
void sum_dim(const Tensor& x, int64_t outer, int64_t n, int64_t inner, double factor, const Tensor& out);
// out (of a shape that broadcasts to g's) = g summed over the broadcast dimensions.
void sum_to(const Tensor& g, const Tensor& out);

}  // namespace tessera::cuda
