#include <cmath>

#include "core/autograd/autograd.h"
#include "core/ops/cpu/dispatch.h"
#include "core/ops/cpu/simd.h"
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

// LayerNorm (centered) and RMSNorm (not centered, no beta) share one kernel: xhat = (x - mean) * rstd,
// y = xhat * gamma (+ beta), with mean = 0 for RMSNorm.
Tensor normalize(const Tensor& x_in, const Tensor& gamma_in, const Tensor& beta_in, double eps, bool centered,
                 const char* name) {
  Tensor x = contiguous(x_in).detach(), gamma = contiguous(gamma_in).detach();
  Tensor beta = beta_in.defined() ? contiguous(beta_in).detach() : Tensor();
  const int64_t d = x.size(-1), rows = x.numel() / d;
  TESSERA_CHECK(gamma.dim() == 1 && gamma.size(0) == d,
                std::string(name) + ": gamma " + shape_str(gamma.shape()) + " for input " + shape_str(x.shape()));
  TESSERA_CHECK(!beta.defined() || beta.shape() == gamma.shape(), std::string(name) + ": beta shape");
  Tensor out = Tensor::empty(x.shape(), x.dtype());
  Tensor mean = Tensor::empty({rows}, x.dtype()), rstd = Tensor::empty({rows}, x.dtype());
  cpu::dispatch_floating(x.dtype(), name, [&](auto tag) {
    using T = decltype(tag);
    const T* pb = beta.defined() ? beta.data<T>() : nullptr;
    cpu::parallel_for(rows, 16384 / d, [&](int64_t r0, int64_t r1) {
      normalize_rows(x.data<T>() + r0 * d, gamma.data<T>(), pb, out.data<T>() + r0 * d, mean.data<T>() + r0,
                     rstd.data<T>() + r0, r1 - r0, d, static_cast<T>(eps), centered);
    });
  });
  if (autograd::needs_graph({x_in, gamma_in, beta_in})) {
    autograd::record(out, {x_in, gamma_in, beta_in},
                     [x, gamma, mean, rstd, rows, d, centered, name](std::vector<Tensor>& in, const Tensor& g_in) {
      Tensor g = contiguous(g_in);
      cpu::dispatch_floating(x.dtype(), name, [&](auto tag) {
        using T = decltype(tag);
        const T* px = x.data<T>();
        const T* pg = g.data<T>();
        const T* gm = gamma.data<T>();
        const T* pm = mean.data<T>();
        const T* pr = rstd.data<T>();
        if (autograd::wants_grad(in, 0)) {
          Tensor gx = Tensor::empty(x.shape(), x.dtype());
          cpu::parallel_for(rows, 16384 / d, [&](int64_t r0, int64_t r1) {
            normalize_rows_backward(px + r0 * d, pg + r0 * d, gm, pm + r0, pr + r0, gx.data<T>() + r0 * d, r1 - r0, d,
                                    centered);
          });
          in[0].accumulate_grad(gx);
        }
        const bool want_gamma = autograd::wants_grad(in, 1), want_beta = autograd::wants_grad(in, 2);
        if (!want_gamma && !want_beta) return;
        Tensor ggamma = Tensor::zeros({d}, x.dtype()), gbeta = Tensor::zeros({d}, x.dtype());
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
    });
  }
  return out;
}

}  // namespace

Tensor layernorm(const Tensor& x, const Tensor& gamma, const Tensor& beta, double eps) {
  return normalize(x, gamma, beta, eps, true, "layernorm");
}

Tensor rmsnorm(const Tensor& x, const Tensor& gamma, double eps) {
  return normalize(x, gamma, Tensor(), eps, false, "rmsnorm");
}

}  // namespace tessera::ops
