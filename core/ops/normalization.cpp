#include <cmath>

#include "core/autograd/autograd.h"
#include "core/ops/cpu/dispatch.h"
#include "core/ops/cpu/simd.h"
#include "core/ops/cuda/normalization.h"
#include "core/ops/cuda_call.h"
#include "core/ops/ops.h"

namespace tessera::ops {
namespace {

// Forward over a block of rows: y = (x - mean) * rstd * gamma (+ beta); saves mean and rstd.
template <class T>
TESSERA_SIMD_CLONES void normalize_rows(const T* x, const T* gamma, const T* beta, T* y, T* mean, T* rstd,
                                        int64_t rows, int64_t d, T eps, bool centered) {
  for (int64_t r = 0; r < rows; ++r) {
    const T* xr = x + r * d;
    T m = 0;
    if (centered) {
#pragma omp simd reduction(+ : m)
      for (int64_t i = 0; i < d; ++i) m += xr[i];
      m /= static_cast<T>(d);
    }
    T v = 0;
#pragma omp simd reduction(+ : v)
    for (int64_t i = 0; i < d; ++i) v += (xr[i] - m) * (xr[i] - m);
    const T rs = T(1) / std::sqrt(v / static_cast<T>(d) + eps);
    T* yr = y + r * d;
    if (beta) {
      for (int64_t i = 0; i < d; ++i) yr[i] = (xr[i] - m) * rs * gamma[i] + beta[i];
    } else {
      for (int64_t i = 0; i < d; ++i) yr[i] = (xr[i] - m) * rs * gamma[i];
    }
    mean[r] = m;
    rstd[r] = rs;
  }
}

// dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), dxhat = g * gamma, over a block.
template <class T>
TESSERA_SIMD_CLONES void normalize_rows_backward(const T* x, const T* g, const T* gamma, const T* mean,
                                                 const T* rstd, T* dx, int64_t rows, int64_t d, bool centered) {
  for (int64_t r = 0; r < rows; ++r) {
    const T* xr = x + r * d;
    const T* gr = g + r * d;
    const T m = mean[r], rs = rstd[r];
    T sum_g = 0, sum_gx = 0;
#pragma omp simd reduction(+ : sum_g, sum_gx)
    for (int64_t i = 0; i < d; ++i) {
      const T dxh = gr[i] * gamma[i];
      sum_g += dxh;
      sum_gx += dxh * (xr[i] - m) * rs;
    }
    const T mg = centered ? sum_g / static_cast<T>(d) : T(0), mgx = sum_gx / static_cast<T>(d);
    T* o = dx + r * d;
    for (int64_t i = 0; i < d; ++i) o[i] = rs * (gr[i] * gamma[i] - mg - (xr[i] - m) * rs * mgx);
  }
}

// What the backward pass of a normalization needs: the normalized rows h, gamma, and the per-row
// statistics (f32 for bf16 rows, which only CUDA runs).
struct NormSaved {
  Tensor h, gamma, mean, rstd;
  int64_t rows, d;
  bool centered;
  const char* name;
};

// Contiguous, detached operands of a normalization of h_in; checks gamma and beta against it.
struct NormOperands {
  Tensor h, gamma, beta;
  int64_t rows, d;
};

NormOperands norm_operands(const Tensor& h_in, const Tensor& gamma_in, const Tensor& beta_in, const char* name) {
  NormOperands o;
  o.h = contiguous(h_in).detach();
  o.gamma = contiguous(gamma_in).detach();
  o.beta = beta_in.defined() ? contiguous(beta_in).detach() : Tensor();
  o.d = o.h.size(-1);
  o.rows = o.d ? o.h.numel() / o.d : 0;
  TESSERA_CHECK(o.gamma.dim() == 1 && o.gamma.size(0) == o.d,
                std::string(name) + ": gamma " + shape_str(o.gamma.shape()) + " for input " + shape_str(o.h.shape()));
  TESSERA_CHECK(!o.beta.defined() || o.beta.shape() == o.gamma.shape(), std::string(name) + ": beta shape");
  for (const Tensor* p : {&o.gamma, &o.beta})
    TESSERA_CHECK(!p->defined() || (p->device() == o.h.device() && p->dtype() == o.h.dtype()),
                  std::string(name) + ": parameters of another dtype or device than the input");
  return o;
}

// y = norm(h) for h = x, or for h = x + residual (written to `sum`) when residual is defined.
// Returns the statistics the backward pass needs.
NormSaved normalize_forward(const NormOperands& o, const Tensor& x, const Tensor& residual, const Tensor& sum,
                            const Tensor& y, double eps, bool centered, const char* name) {
  const DType stats = o.h.dtype() == DType::bf16 ? DType::f32 : o.h.dtype();
  NormSaved saved{o.h, o.gamma, Tensor::empty({o.rows}, stats, o.h.device()), Tensor::empty({o.rows}, stats, o.h.device()),
                  o.rows, o.d, centered, name};
  if (on_cuda(o.h)) {
    TESSERA_CUDA_CALL(cuda::normalize_forward(x, residual, sum, o.gamma, o.beta, eps, centered, y, saved.mean, saved.rstd));
    return saved;
  }
  const int64_t d = o.d;
  cpu::dispatch_floating(o.h.dtype(), name, [&](auto tag) {
    using T = decltype(tag);
    const T* pb = o.beta.defined() ? o.beta.data<T>() : nullptr;
    cpu::parallel_for(o.rows, 16384 / std::max<int64_t>(d, 1), [&](int64_t r0, int64_t r1) {
      if (residual.defined()) {
        const T* px = x.data<T>() + r0 * d;
        const T* pr = residual.data<T>() + r0 * d;
        T* ps = sum.data<T>() + r0 * d;
        for (int64_t i = 0; i < (r1 - r0) * d; ++i) ps[i] = px[i] + pr[i];
      }
      normalize_rows(o.h.data<T>() + r0 * d, o.gamma.data<T>(), pb, y.data<T>() + r0 * d, saved.mean.data<T>() + r0,
                     saved.rstd.data<T>() + r0, r1 - r0, d, static_cast<T>(eps), centered);
    });
  });
  return saved;
}

void normalize_backward(const NormSaved& s, std::vector<Tensor>& in, const Tensor& g_in) {
  Tensor g = contiguous(g_in);
  const bool want_gamma = autograd::wants_grad(in, 1), want_beta = autograd::wants_grad(in, 2);
  if (on_cuda(g)) {
    if (autograd::wants_grad(in, 0)) {
      Tensor gx = Tensor::empty(s.h.shape(), s.h.dtype(), s.h.device());
      TESSERA_CUDA_CALL(cuda::normalize_backward_input(s.h, g, s.gamma, s.mean, s.rstd, s.centered, gx));
      in[0].accumulate_grad(gx);
    }
    if (!want_gamma && !want_beta) return;
    Tensor ggamma = want_gamma ? Tensor::empty({s.d}, s.h.dtype(), s.h.device()) : Tensor();
    Tensor gbeta = want_beta ? Tensor::empty({s.d}, s.h.dtype(), s.h.device()) : Tensor();
    TESSERA_CUDA_CALL(cuda::normalize_backward_params(s.h, g, s.mean, s.rstd, ggamma, gbeta));
    if (want_gamma) in[1].accumulate_grad(ggamma);
    if (want_beta) in[2].accumulate_grad(gbeta);
    return;
  }
  const int64_t rows = s.rows, d = s.d;
  cpu::dispatch_floating(s.h.dtype(), s.name, [&](auto tag) {
    using T = decltype(tag);
    const T* px = s.h.data<T>();
    const T* pg = g.data<T>();
    const T* gm = s.gamma.data<T>();
    const T* pm = s.mean.data<T>();
    const T* pr = s.rstd.data<T>();
    if (autograd::wants_grad(in, 0)) {
      Tensor gx = Tensor::empty(s.h.shape(), s.h.dtype());
      cpu::parallel_for(rows, 16384 / d, [&](int64_t r0, int64_t r1) {
        normalize_rows_backward(px + r0 * d, pg + r0 * d, gm, pm + r0, pr + r0, gx.data<T>() + r0 * d, r1 - r0, d,
                                s.centered);
      });
      in[0].accumulate_grad(gx);
    }
    if (!want_gamma && !want_beta) return;
    Tensor ggamma = Tensor::zeros({d}, s.h.dtype()), gbeta = Tensor::zeros({d}, s.h.dtype());
    T* og = ggamma.data<T>();
    T* ob = gbeta.data<T>();
    // Column blocks keep the sums deterministic whatever the thread count.
#pragma omp parallel for schedule(static) if (rows * d > 16384)
    for (int64_t c0 = 0; c0 < d; c0 += 32) {
      const int64_t c1 = std::min(d, c0 + 32);
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = c0; c < c1; ++c) {
          og[c] += pg[r * d + c] * (px[r * d + c] - pm[r]) * pr[r];
          ob[c] += pg[r * d + c];
        }
    }
    if (want_gamma) in[1].accumulate_grad(ggamma);
    if (want_beta) in[2].accumulate_grad(gbeta);
  });
}

// Records y = norm(h_in) with the saved statistics on the graph.
void record_normalize(Tensor& y, const Tensor& h_in, const Tensor& gamma_in, const Tensor& beta_in, NormSaved saved) {
  if (autograd::needs_graph({h_in, gamma_in, beta_in}))
    autograd::record(y, {h_in, gamma_in, beta_in}, [saved](std::vector<Tensor>& in, const Tensor& g) {
      normalize_backward(saved, in, g);
    });
}

// LayerNorm (centered) and RMSNorm (not centered, no beta) share one kernel: xhat = (x - mean) * rstd,
// y = xhat * gamma (+ beta), with mean = 0 for RMSNorm.
Tensor normalize(const Tensor& x_in, const Tensor& gamma_in, const Tensor& beta_in, double eps, bool centered,
                 const char* name) {
  const NormOperands o = norm_operands(x_in, gamma_in, beta_in, name);
  Tensor y = Tensor::empty(o.h.shape(), o.h.dtype(), o.h.device());
  NormSaved saved = normalize_forward(o, o.h, Tensor(), Tensor(), y, eps, centered, name);
  record_normalize(y, x_in, gamma_in, beta_in, std::move(saved));
  return y;
}

// The residual add in front of a normalization, in the same pass over the rows. On the graph it is
// an add followed by the normalization, so gradients are those of the two separate ops.
ResidualNorm add_normalize(const Tensor& x_in, const Tensor& residual_in, const Tensor& gamma_in,
                           const Tensor& beta_in, double eps, bool centered, const char* name) {
  TESSERA_CHECK(x_in.shape() == residual_in.shape() && x_in.dtype() == residual_in.dtype() &&
                    x_in.device() == residual_in.device(),
                std::string(name) + ": x " + shape_str(x_in.shape()) + " and residual " + shape_str(residual_in.shape()) +
                    " differ in shape, dtype or device");
  Tensor x = contiguous(x_in).detach(), residual = contiguous(residual_in).detach();
  ResidualNorm out{Tensor::empty(x.shape(), x.dtype(), x.device()), Tensor::empty(x.shape(), x.dtype(), x.device())};
  const NormOperands o = norm_operands(out.sum, gamma_in, beta_in, name);
  NormSaved saved = normalize_forward(o, x, residual, out.sum, out.normalized, eps, centered, name);
  if (autograd::needs_graph({x_in, residual_in}))
    autograd::record(out.sum, {x_in, residual_in}, [](std::vector<Tensor>& in, const Tensor& g) {
      autograd::add_grad(in, 0, g);
      autograd::add_grad(in, 1, g);
    });
  record_normalize(out.normalized, out.sum, gamma_in, beta_in, std::move(saved));
  return out;
}

}  // namespace

Tensor layernorm(const Tensor& x, const Tensor& gamma, const Tensor& beta, double eps) {
  return normalize(x, gamma, beta, eps, true, "layernorm");
}

Tensor rmsnorm(const Tensor& x, const Tensor& gamma, double eps) {
  return normalize(x, gamma, Tensor(), eps, false, "rmsnorm");
}

ResidualNorm add_layernorm(const Tensor& x, const Tensor& residual, const Tensor& gamma, const Tensor& beta, double eps) {
  return add_normalize(x, residual, gamma, beta, eps, true, "add_layernorm");
}

ResidualNorm add_rmsnorm(const Tensor& x, const Tensor& residual, const Tensor& gamma, double eps) {
  return add_normalize(x, residual, gamma, Tensor(), eps, false, "add_rmsnorm");
}

}  // namespace tessera::ops
