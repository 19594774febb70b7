#pragma once
// Scalar activation functions and their derivatives, shared by the standalone activation ops
// and the fused GEMM epilogue so both compute the same numbers.
#include <cmath>
#include <type_traits>

#include "core/ops/cpu/fast_math.h"
#include "core/ops/ops.h"

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

// The activation is a template parameter so that each epilogue loop is branch-free and
// vectorizes; a runtime switch per element kept the compiler from it.
template <class T, ops::Activation A>
inline T activate(T x) {
  if constexpr (A == ops::Activation::gelu_tanh) return cpu::gelu_tanh(x);
  if constexpr (A == ops::Activation::gelu_erf) return cpu::gelu_erf(x);
  if constexpr (A == ops::Activation::silu) return cpu::silu(x);
  return x;
}

template <class T, ops::Activation A>
inline T activate_grad(T x) {
  if constexpr (A == ops::Activation::gelu_tanh) return cpu::gelu_tanh_grad(x);
  if constexpr (A == ops::Activation::gelu_erf) return cpu::gelu_erf_grad(x);
  if constexpr (A == ops::Activation::silu) return cpu::silu_grad(x);
  return T(1);
}

// Calls f(std::integral_constant<ops::Activation, act>) so the activation becomes a compile-time value.
template <class F>
void dispatch_activation(ops::Activation act, F&& f) {
  switch (act) {
    case ops::Activation::none: return f(std::integral_constant<ops::Activation, ops::Activation::none>{});
    case ops::Activation::gelu_tanh: return f(std::integral_constant<ops::Activation, ops::Activation::gelu_tanh>{});
    case ops::Activation::gelu_erf: return f(std::integral_constant<ops::Activation, ops::Activation::gelu_erf>{});
    case ops::Activation::silu: return f(std::integral_constant<ops::Activation, ops::Activation::silu>{});
  }
}

}  // namespace tessera::cpu
