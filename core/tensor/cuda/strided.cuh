#pragma once
// Strided views handed to kernels by value: a logical (row-major) element index is turned into
// an element offset through the view's sizes and strides. Host code builds the layouts of all
// operands of one loop together, dropping size-1 dimensions and merging neighbours wherever every
// operand allows it, so most loops see one or two dimensions.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor/tensor.h"
#include "core/util/error.h"

namespace tessera::cuda {

constexpr int kMaxDims = 8;

struct Layout {
  int nd = 0;  // 0: a single element at offset 0
  int64_t size[kMaxDims] = {};
  int64_t stride[kMaxDims] = {};

  __host__ __device__ int64_t offset(int64_t i) const {
    int64_t off = 0;
    for (int d = nd - 1; d >= 0; --d) {
      off += (i % size[d]) * stride[d];
      i /= size[d];
    }
    return off;
  }
};

// Layouts of N operands that walk `shape` together, operand k through strides[k] (in elements).
template <size_t N>
std::array<Layout, N> merged_layouts(const Shape& shape, const std::array<Shape, N>& strides) {
  std::vector<int64_t> sizes;
  std::array<std::vector<int64_t>, N> st;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;
    bool merge = !sizes.empty();
    for (size_t k = 0; k < N && merge; ++k) merge = st[k].back() == strides[k][d] * shape[d];
    if (merge) {
      sizes.back() *= shape[d];
      for (size_t k = 0; k < N; ++k) st[k].back() = strides[k][d];
    } else {
      sizes.push_back(shape[d]);
      for (size_t k = 0; k < N; ++k) st[k].push_back(strides[k][d]);
    }
  }
  if (sizes.size() > static_cast<size_t>(kMaxDims))
    throw ShapeError("CUDA kernels take at most " + std::to_string(kMaxDims) + " non-mergeable dimensions, got shape " +
                     shape_str(shape));
  std::array<Layout, N> out;
  for (size_t k = 0; k < N; ++k) {
    out[k].nd = static_cast<int>(sizes.size());
    for (size_t d = 0; d < sizes.size(); ++d) {
      out[k].size[d] = sizes[d];
      out[k].stride[d] = st[k][d];
    }
  }
  return out;
}

// Grid-stride loop over [0, n).
#define TESSERA_CUDA_FOR(i, n) \
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < (n); i += int64_t(gridDim.x) * blockDim.x)

}  // namespace tessera::cuda
