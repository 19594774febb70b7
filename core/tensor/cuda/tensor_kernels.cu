#include <cmath>
#include <cstdint>
#include <type_traits>

#include "core/cuda/check.cuh"
#include "core/cuda/dtype.cuh"
#include "core/cuda/launch.cuh"
#include "core/tensor/cuda/strided.cuh"
#include "core/tensor/cuda/tensor_kernels.h"

namespace tessera::cuda {
namespace {

// Calls f(T{}) with the device storage type of any dtype.
template <class F>
void dispatch_any(DType dtype, F&& f) {
  switch (dtype) {
    case DType::f32: return f(float{});
    case DType::f64: return f(double{});
    case DType::bf16: return f(__nv_bfloat16{});
    case DType::i32: return f(int32_t{});
    case DType::i64: return f(int64_t{});
    case DType::u8: return f(uint8_t{});
  }
}

// Conversions go through double, as the host's Tensor::to(DType) does (bf16 through float).
template <class S>
__host__ __device__ double to_double(S v) {
  if constexpr (std::is_same_v<S, __nv_bfloat16>) return static_cast<double>(__bfloat162float(v));
  else return static_cast<double>(v);
}
template <class D>
__host__ __device__ D from_double(double v) {
  if constexpr (std::is_same_v<D, __nv_bfloat16>) return __float2bfloat16_rn(static_cast<float>(v));
  else return static_cast<D>(v);
}

template <class D, class S>
__global__ void copy_kernel(D* dst, Layout dl, const S* src, Layout sl, int64_t n) {
  TESSERA_CUDA_FOR(i, n) {
    if constexpr (std::is_same_v<D, S>) dst[dl.offset(i)] = src[sl.offset(i)];
    else dst[dl.offset(i)] = from_double<D>(to_double(src[sl.offset(i)]));
  }
}

template <class T>
__global__ void add_kernel(T* dst, Layout dl, const T* src, Layout sl, int64_t n) {
  TESSERA_CUDA_FOR(i, n) {
    T& d = dst[dl.offset(i)];
    d = store<T>(load(d) + load(src[sl.offset(i)]));
  }
}

template <class T>
__global__ void fill_kernel(T* dst, T value, int64_t n) {
  TESSERA_CUDA_FOR(i, n) dst[i] = value;
}

// Same-dtype copies move bits, so they only need the element size.
template <class F>
void dispatch_bits(DType dtype, F&& f) {
  switch (dtype_size(dtype)) {
    case 1: return f(uint8_t{});
    case 2: return f(uint16_t{});
    case 4: return f(uint32_t{});
    default: return f(uint64_t{});
  }
}

}  // namespace

void copy_strided(const Tensor& dst, const Tensor& src) {
  const int64_t n = dst.numel();
  if (n == 0) return;
  set_device(dst.device());
  const auto layouts = merged_layouts<2>(dst.shape(), {dst.strides(), src.strides()});
  const Layout dl = layouts[0], sl = layouts[1];
  cudaStream_t s = stream(dst.device());
  if (dst.dtype() == src.dtype()) {
    dispatch_bits(dst.dtype(), [&](auto tag) {
      using B = decltype(tag);
      copy_kernel<B, B><<<blocks_for(n), kThreads, 0, s>>>(device_data<B>(dst), dl, device_data<B>(src), sl, n);
    });
  } else {
    dispatch_any(dst.dtype(), [&](auto dtag) {
      dispatch_any(src.dtype(), [&](auto stag) {
        using D = decltype(dtag);
        using S = decltype(stag);
        copy_kernel<D, S><<<blocks_for(n), kThreads, 0, s>>>(device_data<D>(dst), dl, device_data<S>(src), sl, n);
      });
    });
  }
  TESSERA_CUDA_CHECK_LAUNCH();
}

void add_strided(const Tensor& dst, const Tensor& src) {
  const int64_t n = dst.numel();
  if (n == 0) return;
  set_device(dst.device());
  const auto layouts = merged_layouts<2>(dst.shape(), {dst.strides(), src.strides()});
  const Layout dl = layouts[0], sl = layouts[1];
  dispatch_floating(dst.dtype(), "add_", [&](auto tag) {
    using T = decltype(tag);
    add_kernel<T><<<blocks_for(n), kThreads, 0, stream(dst.device())>>>(device_data<T>(dst), dl, device_data<T>(src), sl, n);
  });
  TESSERA_CUDA_CHECK_LAUNCH();
}

void fill(const Tensor& dst, double value) {
  const int64_t n = dst.numel();
  if (n == 0) return;
  set_device(dst.device());
  cudaStream_t s = stream(dst.device());
  if (value == 0.0 && !std::signbit(value)) {  // all-zero bits in every dtype
    TESSERA_CUDA_CHECK(cudaMemsetAsync(dst.raw_data(), 0, dst.nbytes(), s));
    return;
  }
  dispatch_any(dst.dtype(), [&](auto tag) {
    using T = decltype(tag);
    fill_kernel<T><<<blocks_for(n), kThreads, 0, s>>>(device_data<T>(dst), from_double<T>(value), n);
  });
  TESSERA_CUDA_CHECK_LAUNCH();
}

}  // namespace tessera::cuda
