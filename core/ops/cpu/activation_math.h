#pragma once
// Scalar activation functions and their derivatives, shared by the standalone activation ops
// and the fused GEMM epilogue so both compute the same numbers.
#include <cmath>
#include <type_traits>

#include "core/ops/cpu/fast_math.h"
#include "core/ops/cpu/simd.h"
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

template <class T, ops::Activation A>
TESSERA_SIMD_CLONES void activate_block(const T* x, T* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = activate<T, A>(x[i]);
}

template <class T, ops::Activation A>
TESSERA_SIMD_CLONES void activate_grad_block(const T* x, const T* g, T* dx, int64_t n) {
  for (int64_t i = 0; i < n; ++i) dx[i] = g[i] * activate_grad<T, A>(x[i]);
}

// y = act(x) and dx = g * act'(x) over n elements, in parallel.
template <class T>
void apply_activation(ops::Activation act, const T* x, T* y, int64_t n) {
  dispatch_activation(act, [&](auto a) {
    parallel_for(n, 32768, [&](int64_t i0, int64_t i1) { activate_block<T, decltype(a)::value>(x + i0, y + i0, i1 - i0); });
  });
}

template <class T>
void apply_activation_grad(ops::Activation act, const T* x, const T* g, T* dx, int64_t n) {
  dispatch_activation(act, [&](auto a) {
    parallel_for(n, 32768, [&](int64_t i0, int64_t i1) {
      activate_grad_block<T, decltype(a)::value>(x + i0, g + i0, dx + i0, i1 - i0);
    });
  });
}

}  // namespace tessera::cpu
