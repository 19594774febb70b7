#include <cub/device/device_radix_sort.cuh>

#include <cstdint>
#include <limits>

#include "core/cuda/check.cuh"
#include "core/cuda/dtype.cuh"
#include "core/cuda/launch.cuh"
#include "core/ops/cuda/embedding.h"
#include "core/tensor/cuda/strided.cuh"

namespace tessera::cuda {
namespace {

template <class T, class I>
__global__ void gather_rows_kernel(const T* weight, const I* indices, T* out, int64_t n, int64_t D) {
  TESSERA_CUDA_FOR(e, n * D) {
    const int64_t i = e / D, c = e % D;
    out[e] = weight[static_cast<int64_t>(indices[i]) * D + c];
  }
}

// After a stable sort by index, the first position of each run of equal indices sums the run's
// gradient rows, in their original order, and adds the sum to its weight row: every weight row
// is written by one thread per column, so no atomics and a fixed summation order.
template <class T, class I>
__global__ void scatter_add_sorted_kernel(const I* sorted_index, const int32_t* sorted_position, const T* grad_out,
                                          T* grad_weight, int64_t n, int64_t D) {
  TESSERA_CUDA_FOR(e, n * D) {
    const int64_t i = e / D, c = e % D;
    const I index = sorted_index[i];
    if (i > 0 && sorted_index[i - 1] == index) continue;
    Acc<T> s = 0;
    for (int64_t j = i; j < n && sorted_index[j] == index; ++j)
      s += load(grad_out[static_cast<int64_t>(sorted_position[j]) * D + c]);
    T& w = grad_weight[static_cast<int64_t>(index) * D + c];
    w = store<T>(load(w) + s);
  }
}

__global__ void iota_kernel(int32_t* p, int64_t n) {
  TESSERA_CUDA_FOR(i, n) p[i] = static_cast<int32_t>(i);
}

// Calls f(I{}) with the index type of an i32 or i64 tensor.
template <class F>
void dispatch_index(DType dtype, F&& f) {
  if (dtype == DType::i32)
    f(int32_t{});
  else
    f(int64_t{});
}

// A device buffer of `bytes` bytes from the caching allocator, freed with the tensor.
Tensor scratch(size_t bytes, Device device) { return Tensor::empty({static_cast<int64_t>(bytes)}, DType::u8, device); }

}  // namespace

void embedding_forward(const Tensor& weight, const Tensor& indices, const Tensor& out) {
  const int64_t n = indices.numel(), D = weight.size(1);
  if (n * D == 0) return;
  set_device(weight.device());
  dispatch_floating(weight.dtype(), "embedding", [&](auto tag) {
    using T = decltype(tag);
    dispatch_index(indices.dtype(), [&](auto itag) {
      using I = decltype(itag);
      gather_rows_kernel<T, I><<<blocks_for(n * D), kThreads, 0, stream(weight.device())>>>(
          device_data<T>(weight), device_data<I>(indices), device_data<T>(out), n, D);
    });
  });
  TESSERA_CUDA_CHECK_LAUNCH();
}

void embedding_backward(const Tensor& grad_out, const Tensor& indices, const Tensor& grad_weight) {
  const int64_t n = indices.numel(), D = grad_weight.size(1);
  if (n * D == 0) return;
  if (n > std::numeric_limits<int32_t>::max()) throw ShapeError("embedding: more than 2^31 indices on CUDA");
  const Device device = grad_out.device();
  set_device(device);
  cudaStream_t s = stream(device);
  dispatch_index(indices.dtype(), [&](auto itag) {
    using I = decltype(itag);
    const Tensor positions = Tensor::empty({n}, DType::i32, device);
    const Tensor sorted_positions = Tensor::empty({n}, DType::i32, device);
    const Tensor sorted_indices = Tensor::empty({n}, indices.dtype(), device);
    iota_kernel<<<blocks_for(n), kThreads, 0, s>>>(device_data<int32_t>(positions), n);
    TESSERA_CUDA_CHECK_LAUNCH();
    const int items = static_cast<int>(n);
    size_t temp_bytes = 0;
    TESSERA_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(nullptr, temp_bytes, device_data<I>(indices),
                                                       device_data<I>(sorted_indices), device_data<int32_t>(positions),
                                                       device_data<int32_t>(sorted_positions), items, 0,
                                                       static_cast<int>(sizeof(I) * 8), s));
    const Tensor temp = scratch(temp_bytes, device);
    TESSERA_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(temp.raw_data(), temp_bytes, device_data<I>(indices),
                                                       device_data<I>(sorted_indices), device_data<int32_t>(positions),
                                                       device_data<int32_t>(sorted_positions), items, 0,
                                                       static_cast<int>(sizeof(I) * 8), s));
    dispatch_floating(grad_out.dtype(), "embedding", [&](auto tag) {
      using T = decltype(tag);
      scatter_add_sorted_kernel<T, I><<<blocks_for(n * D), kThreads, 0, s>>>(
          device_data<I>(sorted_indices), device_data<int32_t>(sorted_positions), device_data<T>(grad_out),
          device_data<T>(grad_weight), n, D);
    });
    TESSERA_CUDA_CHECK_LAUNCH();
  });
}

}  // namespace tessera::cuda
