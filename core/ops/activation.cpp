#include "core/autograd/autograd.h"
#include "core/ops/cpu/activation_math.h"
#include "core/ops/cpu/dispatch.h"
#include "core/ops/ops.h"

namespace tessera::ops {
namespace {

enum class Unary { gelu_tanh, gelu_erf, silu };

template <class T>
T unary_value(Unary u, T x) {
  switch (u) {
    case Unary::gelu_tanh: return cpu::gelu_tanh(x);
    case Unary::gelu_erf: return cpu::gelu_erf(x);
    case Unary::silu: return cpu::silu(x);
  }
  return x;
}

template <class T>
T unary_grad(Unary u, T x) {
  switch (u) {
    case Unary::gelu_tanh: return cpu::gelu_tanh_grad(x);
    case Unary::gelu_erf: return cpu::gelu_erf_grad(x);
    case Unary::silu: return cpu::silu_grad(x);
  }
  return T(1);
}

Tensor unary(Unary u, const Tensor& x_in, const char* name) {
  Tensor x = contiguous(x_in).detach();
  Tensor out = Tensor::empty(x.shape(), x.dtype());
  cpu::dispatch_floating(x.dtype(), name, [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* po = out.data<T>();
    const int64_t n = x.numel();
#pragma omp parallel for schedule(static) if (n > 32768)
    for (int64_t i = 0; i < n; ++i) po[i] = unary_value(u, px[i]);
  });
  if (autograd::needs_graph({x_in}))
    autograd::record(out, {x_in}, [u, x, name](std::vector<Tensor>& in, const Tensor& g_in) {
      Tensor g = contiguous(g_in);
      Tensor gx = Tensor::empty(x.shape(), x.dtype());
      cpu::dispatch_floating(x.dtype(), name, [&](auto tag) {
        using T = decltype(tag);
        const T* px = x.data<T>();
        const T* pg = g.data<T>();
        T* po = gx.data<T>();
        const int64_t n = x.numel();
#pragma omp parallel for schedule(static) if (n > 32768)
        for (int64_t i = 0; i < n; ++i) po[i] = pg[i] * unary_grad(u, px[i]);
      });
      autograd::add_grad(in, 0, gx);
    });
  return out;
}

}  // namespace

Tensor gelu(const Tensor& x, bool tanh_approximation) {
  return unary(tanh_approximation ? Unary::gelu_tanh : Unary::gelu_erf, x, "gelu");
}

Tensor silu(const Tensor& x) { return unary(Unary::silu, x, "silu"); }

}  // namespace tessera::ops
