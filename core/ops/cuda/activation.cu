#include "core/cuda/check.cuh"
#include "core/cuda/dtype.cuh"
#include "core/cuda/launch.cuh"
#include "core/ops/cuda/activation.h"
#include "core/ops/cuda/activation_math.cuh"

namespace tessera::cuda {
namespace {

template <ops::Activation Act, class T>
__global__ void activation_forward_kernel(const T* x, T* y, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    y[i] = store<T>(activate<Act>(load(x[i])));
}

template <ops::Activation Act, class T>
__global__ void activation_backward_kernel(const T* x, const T* g, T* dx, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    dx[i] = store<T>(load(g[i]) * activate_grad<Act>(load(x[i])));
}

template <class T>
__global__ void softshrink_forward_kernel(const T* x, T* y, Acc<T> lambda, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    const Acc<T> v = load(x[i]);
    y[i] = store<T>(v > lambda ? v - lambda : (v < -lambda ? v + lambda : Acc<T>(0)));
  }
}

template <class T>
__global__ void softshrink_backward_kernel(const T* x, const T* g, T* dx, Acc<T> lambda, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    const Acc<T> v = load(x[i]);
    dx[i] = (v > lambda || v < -lambda) ? g[i] : store<T>(Acc<T>(0));
  }
}

// Calls f(std::integral_constant<ops::Activation, act>) so each activation is its own kernel.
template <class F>
void dispatch_activation(ops::Activation act, F&& f) {
  using A = ops::Activation;
  switch (act) {
    case A::none: return f(std::integral_constant<A, A::none>{});
    case A::gelu_tanh: return f(std::integral_constant<A, A::gelu_tanh>{});
    case A::gelu_erf: return f(std::integral_constant<A, A::gelu_erf>{});
    case A::silu: return f(std::integral_constant<A, A::silu>{});
  }
}

}  // namespace

void activation_forward(ops::Activation act, const Tensor& x, const Tensor& out) {
  set_device(x.device());
  const int64_t n = x.numel();
  dispatch_floating(x.dtype(), "activation", [&](auto tag) {
    using T = decltype(tag);
    dispatch_activation(act, [&](auto a) {
      activation_forward_kernel<decltype(a)::value, T><<<blocks_for(n), kThreads, 0, stream(x.device())>>>(
          device_data<T>(x), device_data<T>(out), n);
    });
  });
  TESSERA_CUDA_CHECK_LAUNCH();
}

void activation_backward(ops::Activation act, const Tensor& x, const Tensor& grad_out, const Tensor& grad_in) {
  set_device(x.device());
  const int64_t n = x.numel();
  dispatch_floating(x.dtype(), "activation", [&](auto tag) {
    using T = decltype(tag);
    dispatch_activation(act, [&](auto a) {
      activation_backward_kernel<decltype(a)::value, T><<<blocks_for(n), kThreads, 0, stream(x.device())>>>(
          device_data<T>(x), device_data<T>(grad_out), device_data<T>(grad_in), n);
    });
  });
  TESSERA_CUDA_CHECK_LAUNCH();
}

void softshrink_forward(const Tensor& x, double lambda, const Tensor& out) {
  set_device(x.device());
  const int64_t n = x.numel();
  dispatch_floating(x.dtype(), "softshrink", [&](auto tag) {
    using T = decltype(tag);
    softshrink_forward_kernel<T><<<blocks_for(n), kThreads, 0, stream(x.device())>>>(
        device_data<T>(x), device_data<T>(out), static_cast<Acc<T>>(lambda), n);
  });
  TESSERA_CUDA_CHECK_LAUNCH();
}

void softshrink_backward(const Tensor& x, double lambda, const Tensor& grad_out, const Tensor& grad_in) {
  set_device(x.device());
  const int64_t n = x.numel();
  dispatch_floating(x.dtype(), "softshrink", [&](auto tag) {
    using T = decltype(tag);
    softshrink_backward_kernel<T><<<blocks_for(n), kThreads, 0, stream(x.device())>>>(
        device_data<T>(x), device_data<T>(grad_out), device_data<T>(grad_in), static_cast<Acc<T>>(lambda), n);
  });
  TESSERA_CUDA_CHECK_LAUNCH();
}

}  // namespace tessera::cuda
