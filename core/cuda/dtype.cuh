#pragma once
// Element types on the device. Kernels are templates over the storage type T (float, double,
// __nv_bfloat16) and compute in Acc<T> (fp32 for bf16 and fp32, fp64 for fp64), so bf16 math
// always accumulates in fp32.
#include <cuda_bf16.h>

#include <string>
#include <type_traits>

#include "core/device/dtype.h"
#include "core/util/error.h"

namespace tessera::cuda {

template <class T>
using Acc = std::conditional_t<std::is_same_v<T, double>, double, float>;

template <class T>
__host__ __device__ inline Acc<T> load(T v) {
  if constexpr (std::is_same_v<T, __nv_bfloat16>) return __bfloat162float(v);
  else return v;
}

template <class T>
__host__ __device__ inline T store(Acc<T> v) {
  if constexpr (std::is_same_v<T, __nv_bfloat16>) return __float2bfloat16_rn(v);
  else return v;
}

// Calls f(T{}) with the device storage type of a floating dtype.
template <class F>
decltype(auto) dispatch_floating(DType dtype, const char* op, F&& f) {
  switch (dtype) {
    case DType::f32: return f(float{});
    case DType::f64: return f(double{});
    case DType::bf16: return f(__nv_bfloat16{});
    default: throw ShapeError(std::string(op) + ": needs f32, f64 or bf16 on CUDA, got " + dtype_name(dtype));
  }
}

// The tensor's data as the device storage type (the host bf16 type has the same bits).
template <class T, class TensorT>
T* device_data(const TensorT& t) {
  return static_cast<T*>(t.raw_data());
}

}  // namespace tessera::cuda
