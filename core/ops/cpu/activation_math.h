#pragma once
// Scalar activation functions and their derivatives, shared by the standalone activation ops
// and the fused GEMM epilogue so both compute the same numbers.
#include <cmath>

#include "core/ops/cpu/fast_math.h"

namespace tessera::cpu {

template <class T>
inline T gelu_tanh(T x) {
  const T c = static_cast<T>(0.7978845608028654);  // sqrt(2/pi)
  return static_cast<T>(0.5) * x * (T(1) + tanh_fast(c * (x + static_cast<T>(0.044715) * x * x * x)));
}
template <class T>
inline T gelu_tanh_grad(T x) {
  const T c = static_cast<T>(0.7978845608028654);
  const T u = c * (x + static_cast<T>(0.044715) * x * x * x);
  const T t = tanh_fast(u);
  const T du = c * (T(1) + static_cast<T>(3 * 0.044715) * x * x);
  return static_cast<T>(0.5) * (T(1) + t) + static_cast<T>(0.5) * x * (T(1) - t * t) * du;
}
template <class T>
inline T gelu_erf(T x) {
  return static_cast<T>(0.5) * x * (T(1) + std::erf(x * static_cast<T>(0.7071067811865476)));
}
template <class T>
inline T gelu_erf_grad(T x) {
  const T cdf = static_cast<T>(0.5) * (T(1) + std::erf(x * static_cast<T>(0.7071067811865476)));
  const T pdf = exp_fast(static_cast<T>(-0.5) * x * x) * static_cast<T>(0.3989422804014327);
  return cdf + x * pdf;
}
template <class T>
inline T silu(T x) {
  return x / (T(1) + exp_fast(-x));
}
template <class T>
inline T silu_grad(T x) {
  const T s = T(1) / (T(1) + exp_fast(-x));
  return s * (T(1) + x * (T(1) - s));
}

}  // namespace tessera::cpu
