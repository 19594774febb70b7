#pragma once
// Device versions of core/ops/cpu/activation_math.h: the same formulas, so CPU and GPU agree to
// rounding (the CPU's fast exp/tanh are accurate to a few ulp; here the CUDA intrinsics are).
#include "core/ops/ops.h"

namespace tessera::cuda {

template <class A>
__device__ inline A gelu_tanh(A x) {
  const A c = A(0.7978845608028654);
  return A(0.5) * x * (A(1) + tanh(c * (x + A(0.044715) * x * x * x)));
}
template <class A>
__device__ inline A gelu_tanh_grad(A x) {
  const A c = A(0.7978845608028654);
  const A t = tanh(c * (x + A(0.044715) * x * x * x));
  const A du = c * (A(1) + A(3 * 0.044715) * x * x);
  return A(0.5) * (A(1) + t) + A(0.5) * x * (A(1) - t * t) * du;
}
template <class A>
__device__ inline A gelu_erf(A x) {
  return A(0.5) * x * (A(1) + erf(x * A(0.7071067811865476)));
}
template <class A>
__device__ inline A gelu_erf_grad(A x) {
  const A cdf = A(0.5) * (A(1) + erf(x * A(0.7071067811865476)));
  return cdf + x * exp(A(-0.5) * x * x) * A(0.3989422804014327);
}
template <class A>
__device__ inline A silu(A x) {
  return x / (A(1) + exp(-x));
}
template <class A>
__device__ inline A silu_grad(A x) {
  const A s = A(1) / (A(1) + exp(-x));
  return s * (A(1) + x * (A(1) - s));
}

template <ops::Activation Act, class A>
__device__ inline A activate(A x) {
  if constexpr (Act == ops::Activation::gelu_tanh) return gelu_tanh(x);
  else if constexpr (Act == ops::Activation::gelu_erf) return gelu_erf(x);
  else if constexpr (Act == ops::Activation::silu) return silu(x);
  else return x;
}
template <ops::Activation Act, class A>
__device__ inline A activate_grad(A x) {
  if constexpr (Act == ops::Activation::gelu_tanh) return gelu_tanh_grad(x);
  else if constexpr (Act == ops::Activation::gelu_erf) return gelu_erf_grad(x);
  else if constexpr (Act == ops::Activation::silu) return silu_grad(x);
  else return A(1);
}

}  // namespace tessera::cuda
