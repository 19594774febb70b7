#pragma once
// CUDA launchers of softmax over the last dimension; tensors contiguous [rows, cols], one dtype,
// on one CUDA device.
#include <cstdint>

#include "core/tensor/tensor.h"

namespace tessera::cuda {

void softmax_forward(const Tensor& x, int64_t rows, int64_t cols, const Tensor& y);
// gx = y * (g - sum(g * y)) row by row.
void softmax_backward(const Tensor& y, const Tensor& g, int64_t rows, int64_t cols, const Tensor& gx);

}  // namespace tessera::cuda
