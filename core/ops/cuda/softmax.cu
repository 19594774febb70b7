#include "core/cuda/check.cuh"
#include "core/cuda/dtype.cuh"
#include "core/cuda/launch.cuh"
#include "core/cuda/reduce.cuh"
#include "core/ops/cuda/softmax.h"
#include "core/ops/cuda/softmax_rows.cuh"

namespace tessera::cuda {
namespace {

template <class T>
__global__ void softmax_kernel(const T* x, T* y, int64_t rows, int64_t cols) {
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T* xr = x + r * cols;
    const RowMaxSum<Acc<T>> stats = row_max_sum(xr, cols);
    for (int64_t i = threadIdx.x; i < cols; i += blockDim.x) y[r * cols + i] = store<T>(softmax_entry(load(xr[i]), stats));
  }
}

template <class T>
__global__ void softmax_backward_kernel(const T* y, const T* g, T* gx, int64_t rows, int64_t cols) {
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const int64_t base = r * cols;
    Acc<T> dot = 0;
    for (int64_t i = threadIdx.x; i < cols; i += blockDim.x) dot += load(g[base + i]) * load(y[base + i]);
    dot = block_sum(dot);
    for (int64_t i = threadIdx.x; i < cols; i += blockDim.x)
      gx[base + i] = store<T>(load(y[base + i]) * (load(g[base + i]) - dot));
  }
}

}  // namespace

void softmax_forward(const Tensor& x, int64_t rows, int64_t cols, const Tensor& y) {
  if (rows == 0 || cols == 0) return;
  set_device(x.device());
  dispatch_floating(x.dtype(), "softmax", [&](auto tag) {
    using T = decltype(tag);
    softmax_kernel<T><<<row_blocks(rows), row_threads(cols), 0, stream(x.device())>>>(device_data<T>(x), device_data<T>(y),
                                                                                      rows, cols);
  });
  TESSERA_CUDA_CHECK_LAUNCH();
}

void softmax_backward(const Tensor& y, const Tensor& g, int64_t rows, int64_t cols, const Tensor& gx) {
  if (rows == 0 || cols == 0) return;
  set_device(y.device());
  dispatch_floating(y.dtype(), "softmax", [&](auto tag) {
    using T = decltype(tag);
    softmax_backward_kernel<T><<<row_blocks(rows), row_threads(cols), 0, stream(y.device())>>>(
        device_data<T>(y), device_data<T>(g), device_data<T>(gx), rows, cols);
  });
  TESSERA_CUDA_CHECK_LAUNCH();
}

}  // namespace tessera::cuda
