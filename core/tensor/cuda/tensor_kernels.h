#pragma once
// CUDA launchers behind the raw Tensor helpers (copy_, to(DType), fill_, add_). Tensors are on one
// CUDA device; any strides, unless a launcher says otherwise.
#include "core/tensor/tensor.h"

namespace tessera::cuda {

// dst = src element by element (same shape), converting the dtype when they differ.
void copy_strided(const Tensor& dst, const Tensor& src);
// dst += src (same shape and floating dtype).
void add_strided(const Tensor& dst, const Tensor& src);
// Every element of the contiguous tensor dst = value, converted to its dtype.
void fill(const Tensor& dst, double value);

}  // namespace tessera::cuda
