#include <algorithm>
#include <type_traits>

#include "core/autograd/autograd.h"
#include "core/ops/cpu/activation_math.h"
#include "core/ops/cpu/bf16_gemm.h"
#include "core/ops/cpu/bf16_round.h"
#include "core/ops/cpu/dispatch.h"
#include "core/ops/cpu/gemm.h"
#include "core/ops/cpu/simd.h"
#include "core/ops/cuda/activation.h"
#include "core/ops/cuda/gemm.h"
#include "core/ops/cuda_call.h"
#include "core/ops/matmul_precision.h"
#include "core/ops/ops.h"

namespace tessera::ops {
namespace {

// Each row of a block starts as the bias, so the GEMM can accumulate onto it (beta = 1): that
// spares the BLAS its zeroing pass over the output and us a separate bias pass.
template <class T>
void fill_rows_with_bias(T* out, const T* bias, int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; ++r) std::copy(bias, bias + cols, out + r * cols);
}

// Column sums of a [rows, cols] matrix, deterministic for a given thread count.
template <class T>
void column_sums(const T* g, int64_t rows, int64_t cols, T* out) {
#pragma omp parallel for schedule(static) if (rows * cols > 65536)
  for (int64_t c0 = 0; c0 < cols; c0 += 64) {
    const int64_t c1 = std::min(cols, c0 + 64);
    T acc[64] = {};
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = c0; c < c1; ++c) acc[c - c0] += g[r * cols + c];
    for (int64_t c = c0; c < c1; ++c) out[c] = acc[c - c0];
  }
}

// The bf16 copy of a contiguous fp32 tensor, rounded as the CPU's bf16 products round.
Tensor rounded_to_bf16(const Tensor& t) {
  Tensor out = Tensor::empty(t.shape(), DType::bf16);
  const float* src = t.data<float>();
  bf16* dst = out.data<bf16>();
  cpu::parallel_for(t.numel(), 1 << 15, [&](int64_t i0, int64_t i1) { cpu::round_to_bf16(src + i0, i1 - i0, dst + i0); });
  return out;
}

// Row-major C = op(A) op(B) over contiguous 2-D operands [m, n], on the operands' device.
void gemm_2d(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const Tensor& a, const Tensor& b, const Tensor& c) {
  if (on_cuda(c)) {
    TESSERA_CUDA_CALL(cuda::gemm({ta, tb, m, n, k, 1, 0, 0}, a, b, c));
    return;
  }
  cpu::dispatch_floating(c.dtype(), "linear", [&](auto tag) {
    using T = decltype(tag);
    cpu::gemm(ta, tb, m, n, k, T(1), a.data<T>(), ta ? m : k, b.data<T>(), tb ? k : n, T(0), c.data<T>(), n);
  });
}

}  // namespace

Tensor linear(const Tensor& x_in, const Tensor& weight_in, const Tensor& bias_in, Activation act) {
  Tensor x = contiguous(x_in).detach(), w = contiguous(weight_in).detach();
  Tensor bias = bias_in.defined() ? contiguous(bias_in).detach() : Tensor();
  TESSERA_CHECK(w.dim() == 2 && x.dim() >= 1 && x.size(-1) == w.size(1),
                "linear: input " + shape_str(x.shape()) + " does not fit weight " + shape_str(w.shape()));
  TESSERA_CHECK(!bias.defined() || (bias.dim() == 1 && bias.size(0) == w.size(0)), "linear: bias shape");
  TESSERA_CHECK(x.dtype() == w.dtype() && (!bias.defined() || bias.dtype() == x.dtype()), "linear: dtypes differ");
  TESSERA_CHECK(x.device() == w.device() && (!bias.defined() || bias.device() == x.device()),
                "linear: input, weight and bias on different devices");
  const int64_t in_f = w.size(1), out_f = w.size(0), rows = x.numel() / in_f;
  Shape out_shape = x.shape();
  out_shape.back() = out_f;
  Tensor out = Tensor::empty(out_shape, x.dtype(), x.device());
  Tensor pre = act == Activation::none ? out : Tensor::empty(out_shape, x.dtype(), x.device());
  // Training with bf16 products on the CPU: the weight is rounded once here and kept, rounded, for
  // the backward, which rounds the output gradient once for both of its products. Four roundings
  // per layer and step (x twice) instead of bf16_gemm's six on fp32 operands; keeping x rounded as
  // well would save one more but hold a bf16 copy of every activation beside the fp32 one the graph
  // keeps (small benchmark: +6.6 % speed for +80 MB, against +4.4 % for +29 MB this way). The
  // products see the same bf16 operands either way.
  const bool needs_graph = autograd::needs_graph({x_in, weight_in, bias_in});
  Tensor x16, w16;
  if (needs_graph && !on_cuda(x) && x.dtype() == DType::f32 && cpu_bf16_matmul(rows, out_f, in_f)) {
    x16 = rounded_to_bf16(x);
    w16 = rounded_to_bf16(w);
  }
  if (on_cuda(x))
    TESSERA_CUDA_CALL(cuda::linear_forward(x, w, bias, act, pre, out));
  else
    cpu::dispatch_floating(x.dtype(), "linear", [&](auto tag) {
      using T = decltype(tag);
      T* pp = pre.data<T>();
      T* po = out.data<T>();
      const T* pb = bias.defined() ? bias.data<T>() : nullptr;
      if (pb)
        cpu::parallel_for(rows, 65536 / out_f, [&](int64_t r0, int64_t r1) {
          fill_rows_with_bias(pp + r0 * out_f, pb, r1 - r0, out_f);
        });
      if constexpr (std::is_same_v<T, float>)
        if (x16.defined()) {
          cpu::bf16_gemm(false, true, rows, out_f, in_f, 1.0f, x16.data<bf16>(), in_f, w16.data<bf16>(), in_f,
                         pb ? 1.0f : 0.0f, pp, out_f);
          if (act != Activation::none) cpu::apply_activation(act, pp, po, rows * out_f);
          return;
        }
      cpu::gemm(false, true, rows, out_f, in_f, T(1), x.data<T>(), in_f, w.data<T>(), in_f, pb ? T(1) : T(0), pp, out_f);
      if (act != Activation::none) cpu::apply_activation(act, pp, po, rows * out_f);
    });
  if (needs_graph) {
    Tensor saved_pre = act == Activation::none ? Tensor() : pre;
    autograd::record(out, {x_in, weight_in, bias_in},
                     [x, w, w16, saved_pre, act, rows, in_f, out_f](std::vector<Tensor>& in, const Tensor& g_in) {
      Tensor g = contiguous(g_in);
      Tensor gp = g;
      if (act != Activation::none) {
        gp = Tensor::empty(g.shape(), g.dtype(), g.device());
        if (on_cuda(g))
          TESSERA_CUDA_CALL(cuda::activation_backward(act, saved_pre, g, gp));
        else
          cpu::dispatch_floating(g.dtype(), "linear", [&](auto tag) {
            using T = decltype(tag);
            cpu::apply_activation_grad(act, saved_pre.data<T>(), g.data<T>(), gp.data<T>(), g.numel());
          });
      }
      const Tensor gp16 = w16.defined() ? rounded_to_bf16(gp) : Tensor();
      if (autograd::wants_grad(in, 0)) {
        Tensor gx = Tensor::empty(x.shape(), x.dtype(), x.device());
        if (w16.defined())
          cpu::bf16_gemm(false, false, rows, in_f, out_f, 1.0f, gp16.data<bf16>(), out_f, w16.data<bf16>(), in_f, 0.0f,
                         gx.data<float>(), in_f);
        else
          gemm_2d(false, false, rows, in_f, out_f, gp, w, gx);
        in[0].accumulate_grad(gx);
      }
      if (autograd::wants_grad(in, 1)) {
        Tensor gw = Tensor::empty(w.shape(), w.dtype(), w.device());
        if (w16.defined())
          cpu::bf16_gemm(true, false, out_f, in_f, rows, 1.0f, gp16.data<bf16>(), out_f, rounded_to_bf16(x).data<bf16>(),
                         in_f, 0.0f, gw.data<float>(), in_f);
        else
          gemm_2d(true, false, out_f, in_f, rows, gp, x, gw);
        in[1].accumulate_grad(gw);
      }
      if (autograd::wants_grad(in, 2)) {
        Tensor gb = Tensor::empty({out_f}, g.dtype(), g.device());
        if (on_cuda(g))
          TESSERA_CUDA_CALL(cuda::column_sums(gp, gb));
        else
          cpu::dispatch_floating(g.dtype(), "linear", [&](auto tag) {
            using T = decltype(tag);
            column_sums(gp.data<T>(), rows, out_f, gb.data<T>());
          });
        in[2].accumulate_grad(gb);
      }
    });
  }
  return out;
}

}  // namespace tessera::ops
