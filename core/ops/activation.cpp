#include "core/autograd/autograd.h"
#include "core/ops/cpu/activation_math.h"
#include "core/ops/cpu/dispatch.h"
#include "core/ops/cpu/simd.h"
#include "core/ops/ops.h"

namespace tessera::ops {
namespace {

template <class T, Activation A>
TESSERA_SIMD_CLONES void activate_block(const T* x, T* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = cpu::activate<T, A>(x[i]);
}

template <class T, Activation A>
TESSERA_SIMD_CLONES void activate_grad_block(const T* x, const T* g, T* dx, int64_t n) {
  for (int64_t i = 0; i < n; ++i) dx[i] = g[i] * cpu::activate_grad<T, A>(x[i]);
}

Tensor unary(Activation act, const Tensor& x_in, const char* name) {
  Tensor x = contiguous(x_in).detach();
  Tensor out = Tensor::empty(x.shape(), x.dtype());
  cpu::dispatch_floating(x.dtype(), name, [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* po = out.data<T>();
    const int64_t n = x.numel();
    cpu::dispatch_activation(act, [&](auto a) {
      cpu::parallel_for(n, 32768, [&](int64_t i0, int64_t i1) {
        activate_block<T, decltype(a)::value>(px + i0, po + i0, i1 - i0);
      });
    });
  });
  if (autograd::needs_graph({x_in}))
    autograd::record(out, {x_in}, [act, x, name](std::vector<Tensor>& in, const Tensor& g_in) {
      Tensor g = contiguous(g_in);
      Tensor gx = Tensor::empty(x.shape(), x.dtype());
      cpu::dispatch_floating(x.dtype(), name, [&](auto tag) {
        using T = decltype(tag);
        const T* px = x.data<T>();
        const T* pg = g.data<T>();
        T* po = gx.data<T>();
        const int64_t n = x.numel();
        cpu::dispatch_activation(act, [&](auto a) {
          cpu::parallel_for(n, 32768, [&](int64_t i0, int64_t i1) {
            activate_grad_block<T, decltype(a)::value>(px + i0, pg + i0, po + i0, i1 - i0);
          });
        });
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
