#include "core/autograd/autograd.h"
#include "core/ops/cpu/activation_math.h"
#include "core/ops/cpu/dispatch.h"
#include "core/ops/cuda/activation.h"
#include "core/ops/cuda_call.h"
#include "core/ops/ops.h"

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

}  // namespace tessera::ops
