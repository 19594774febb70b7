#include <cmath>

#include "core/autograd/autograd.h"
#include "core/ops/cpu/activation_math.h"
#include "core/ops/cpu/dispatch.h"
#include "core/ops/cuda/activation.h"
#include "core/ops/cuda_call.h"
#include "core/ops/ops.h"
#include "core/util/error.h"

namespace tessera::ops {
namespace {

Tensor unary(Activation act, const Tensor& x_in, const char* name) {
  Tensor x = contiguous(x_in).detach();
  Tensor out = Tensor::empty(x.shape(), x.dtype(), x.device());
  if (on_cuda(x))
    TESSERA_CUDA_CALL(cuda::activation_forward(act, x, out));
  else
    cpu::dispatch_floating(x.dtype(), name, [&](auto tag) {
      using T = decltype(tag);
      cpu::apply_activation(act, x.data<T>(), out.data<T>(), x.numel());
    });
  if (autograd::needs_graph({x_in}))
    autograd::record(out, {x_in}, [act, x, name](std::vector<Tensor>& in, const Tensor& g_in) {
      Tensor g = contiguous(g_in);
      Tensor gx = Tensor::empty(x.shape(), x.dtype(), x.device());
      if (on_cuda(x))
        TESSERA_CUDA_CALL(cuda::activation_backward(act, x, g, gx));
      else
        cpu::dispatch_floating(x.dtype(), name, [&](auto tag) {
          using T = decltype(tag);
          cpu::apply_activation_grad(act, x.data<T>(), g.data<T>(), gx.data<T>(), x.numel());
        });
      autograd::add_grad(in, 0, gx);
    });
  return out;
}

}  // namespace

Tensor gelu(const Tensor& x, bool tanh_approximation) {
  return unary(tanh_approximation ? Activation::gelu_tanh : Activation::gelu_erf, x, "gelu");
}

Tensor silu(const Tensor& x) { return unary(Activation::silu, x, "silu"); }

Tensor softshrink(const Tensor& x_in, double lambda) {
  TESSERA_CHECK(lambda >= 0, "softshrink: lambda must be non-negative");
  Tensor x = contiguous(x_in).detach();
  Tensor out = Tensor::empty(x.shape(), x.dtype(), x.device());
  if (on_cuda(x))
    TESSERA_CUDA_CALL(cuda::softshrink_forward(x, lambda, out));
  else
    cpu::dispatch_floating(x.dtype(), "softshrink", [&](auto tag) {
      using T = decltype(tag);
      const T* px = x.data<T>();
      T* po = out.data<T>();
      const T l = static_cast<T>(lambda);
      for (int64_t i = 0; i < x.numel(); ++i) po[i] = px[i] > l ? px[i] - l : (px[i] < -l ? px[i] + l : T(0));
    });
  if (autograd::needs_graph({x_in}))
    autograd::record(out, {x_in}, [x, lambda](std::vector<Tensor>& in, const Tensor& g_in) {
      Tensor g = contiguous(g_in);
      Tensor gx = Tensor::empty(x.shape(), x.dtype(), x.device());
      if (on_cuda(x))
        TESSERA_CUDA_CALL(cuda::softshrink_backward(x, lambda, g, gx));
      else
        cpu::dispatch_floating(x.dtype(), "softshrink", [&](auto tag) {
          using T = decltype(tag);
          const T* px = x.data<T>();
          const T* pg = g.data<T>();
          T* po = gx.data<T>();
          for (int64_t i = 0; i < x.numel(); ++i) po[i] = std::abs(static_cast<double>(px[i])) > lambda ? pg[i] : T(0);
        });
      autograd::add_grad(in, 0, gx);
    });
  return out;
}

}  // namespace tessera::ops
