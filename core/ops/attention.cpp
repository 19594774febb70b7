#include <cmath>
#include <limits>

#include "core/autograd/autograd.h"
#include "core/ops/broadcast.h"
#include "core/ops/cpu/dispatch.h"
#include "core/ops/cpu/gemm.h"
#include "core/ops/cpu/softmax_rows.h"
#include "core/ops/ops.h"

namespace tessera::ops {
namespace {

struct AttnDims {
  int64_t B, Tq, Tk, H, Dh;
  int64_t q_sb, q_st, k_sb, k_st, v_sb, v_st;  // batch and time strides of q, k, v
  int64_t bias_batch;                          // 0: no bias; 1 or B
  double scale;
};

void check_qkv(const Tensor& t, const char* what) {
  TESSERA_CHECK(t.dim() == 4, std::string("attention: ") + what + " must be [B, T, H, Dh], got " + shape_str(t.shape()));
  TESSERA_CHECK(t.stride(3) == 1 && t.stride(2) == t.size(3),
                std::string("attention: ") + what + " needs packed heads (last two dims contiguous)");
}

AttnDims attention_dims(const Tensor& q, const Tensor& k, const Tensor& v, const AttentionOptions& o) {
  check_qkv(q, "q");
  check_qkv(k, "k");
  check_qkv(v, "v");
  AttnDims d{q.size(0), q.size(1), k.size(1), q.size(2), q.size(3), q.stride(0), q.stride(1),
             k.stride(0), k.stride(1), v.stride(0), v.stride(1), 0, o.scale};
  TESSERA_CHECK(k.shape() == v.shape() && k.size(0) == d.B && k.size(2) == d.H && k.size(3) == d.Dh,
                "attention: q " + shape_str(q.shape()) + ", k " + shape_str(k.shape()) + ", v " + shape_str(v.shape()));
  TESSERA_CHECK(q.dtype() == k.dtype() && q.dtype() == v.dtype(), "attention: dtypes differ");
  if (o.key_padding_mask.defined())
    TESSERA_CHECK(o.key_padding_mask.dtype() == DType::u8 && o.key_padding_mask.shape() == Shape({d.B, d.Tk}),
                  "attention: key_padding_mask must be u8 [B, Tk]");
  if (o.bias.defined()) {
    const Tensor& b = o.bias;
    TESSERA_CHECK(b.dim() == 4 && (b.size(0) == 1 || b.size(0) == d.B) && b.size(1) == d.H && b.size(2) == d.Tq &&
                      b.size(3) == d.Tk && b.dtype() == q.dtype(),
                  "attention: bias must be [1 or B, H, Tq, Tk], got " + shape_str(b.shape()));
    d.bias_batch = b.size(0);
  }
  if (d.scale == 0) d.scale = 1.0 / std::sqrt(static_cast<double>(d.Dh));
  return d;
}

// Scores for one (batch, head): S = scale Q K^T + bias, masked to -inf, then softmax in place.
template <class T>
void attention_probs(const AttnDims& d, const T* q, const T* k, const T* bias, const uint8_t* pad, bool causal, T* p) {
  cpu::gemm(false, true, d.Tq, d.Tk, d.Dh, static_cast<T>(d.scale), q, d.q_st, k, d.k_st, T(0), p, d.Tk);
  const T ninf = -std::numeric_limits<T>::infinity();
  const int64_t shift = d.Tk - d.Tq;  // queries are the last Tq positions of the key sequence
  for (int64_t i = 0; i < d.Tq; ++i) {
    T* row = p + i * d.Tk;
    if (bias)
      for (int64_t j = 0; j < d.Tk; ++j) row[j] += bias[i * d.Tk + j];
    if (pad)
      for (int64_t j = 0; j < d.Tk; ++j)
        if (pad[j]) row[j] = ninf;
    if (causal)
      for (int64_t j = i + shift + 1; j < d.Tk; ++j) row[j] = ninf;
    cpu::softmax_row(row, row, d.Tk);
  }
}

template <class T>
void attention_forward(const AttnDims& d, const Tensor& q, const Tensor& k, const Tensor& v, const AttentionOptions& o,
                       Tensor& probs, Tensor& out) {
  const T* pq = q.data<T>();
  const T* pk = k.data<T>();
  const T* pv = v.data<T>();
  const T* pbias = o.bias.defined() ? o.bias.data<T>() : nullptr;
  const uint8_t* ppad = o.key_padding_mask.defined() ? o.key_padding_mask.data<uint8_t>() : nullptr;
  T* pp = probs.data<T>();
  T* po = out.data<T>();
  const int64_t hd = d.H * d.Dh, tt = d.Tq * d.Tk;
#pragma omp parallel for schedule(static)
  for (int64_t bh = 0; bh < d.B * d.H; ++bh) {
    const int64_t b = bh / d.H, h = bh % d.H;
    T* p = pp + bh * tt;
    const T* bias = pbias ? pbias + ((d.bias_batch == 1 ? 0 : b) * d.H + h) * tt : nullptr;
    attention_probs(d, pq + b * d.q_sb + h * d.Dh, pk + b * d.k_sb + h * d.Dh, bias, ppad ? ppad + b * d.Tk : nullptr,
                    o.causal, p);
    cpu::gemm(false, false, d.Tq, d.Dh, d.Tk, T(1), p, d.Tk, pv + b * d.v_sb + h * d.Dh, d.v_st, T(0),
              po + b * d.Tq * hd + h * d.Dh, hd);
  }
}

// Gradients for every (batch, head); dS (the score gradient) is written to `dscores` when the
// bias wants a gradient, so that it can be summed over the batch deterministically afterwards.
template <class T>
void attention_backward(const AttnDims& d, const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& probs,
                        const Tensor& g, Tensor& gq, Tensor& gk, Tensor& gv, Tensor& dscores) {
  const T* pq = q.data<T>();
  const T* pk = k.data<T>();
  const T* pv = v.data<T>();
  const T* pp = probs.data<T>();
  const T* pg = g.data<T>();
  T* oq = gq.data<T>();
  T* ok = gk.data<T>();
  T* ov = gv.data<T>();
  T* ods = dscores.defined() ? dscores.data<T>() : nullptr;
  const int64_t hd = d.H * d.Dh, tt = d.Tq * d.Tk;
  const T sc = static_cast<T>(d.scale);
#pragma omp parallel
  {
    std::vector<T> scratch(ods ? 0 : tt);
#pragma omp for schedule(static)
    for (int64_t bh = 0; bh < d.B * d.H; ++bh) {
      const int64_t b = bh / d.H, h = bh % d.H;
      const T* p = pp + bh * tt;
      const T* go = pg + b * d.Tq * hd + h * d.Dh;
      const T* qh = pq + b * d.q_sb + h * d.Dh;
      const T* kh = pk + b * d.k_sb + h * d.Dh;
      const T* vh = pv + b * d.v_sb + h * d.Dh;
      T* ds = ods ? ods + bh * tt : scratch.data();
      cpu::gemm(true, false, d.Tk, d.Dh, d.Tq, T(1), p, d.Tk, go, hd, T(0), ov + b * d.Tk * hd + h * d.Dh, hd);
      cpu::gemm(false, true, d.Tq, d.Tk, d.Dh, T(1), go, hd, vh, d.v_st, T(0), ds, d.Tk);
      for (int64_t i = 0; i < d.Tq; ++i) cpu::softmax_row_backward(p + i * d.Tk, ds + i * d.Tk, ds + i * d.Tk, d.Tk);
      cpu::gemm(false, false, d.Tq, d.Dh, d.Tk, sc, ds, d.Tk, kh, d.k_st, T(0), oq + b * d.Tq * hd + h * d.Dh, hd);
      cpu::gemm(true, false, d.Tk, d.Dh, d.Tq, sc, ds, d.Tk, qh, d.q_st, T(0), ok + b * d.Tk * hd + h * d.Dh, hd);
    }
  }
}

}  // namespace

Tensor attention(const Tensor& q_in, const Tensor& k_in, const Tensor& v_in, const AttentionOptions& options) {
  cpu::require_cpu(q_in, "attention");
  AttentionOptions o = options;
  if (o.bias.defined()) o.bias = contiguous(options.bias).detach();
  if (o.key_padding_mask.defined()) o.key_padding_mask = options.key_padding_mask.contiguous_copy();
  Tensor q = q_in.detach(), k = k_in.detach(), v = v_in.detach();
  const AttnDims d = attention_dims(q, k, v, o);
  Tensor out = Tensor::empty({d.B, d.Tq, d.H, d.Dh}, q.dtype());
  Tensor probs = Tensor::empty({d.B, d.H, d.Tq, d.Tk}, q.dtype());
  cpu::dispatch_floating(q.dtype(), "attention",
                         [&](auto tag) { attention_forward<decltype(tag)>(d, q, k, v, o, probs, out); });
  if (autograd::needs_graph({q_in, k_in, v_in, options.bias})) {
    autograd::record(out, {q_in, k_in, v_in, options.bias}, [d, q, k, v, probs](std::vector<Tensor>& in, const Tensor& g_in) {
      Tensor g = contiguous(g_in);
      Tensor gq = Tensor::empty(q.shape(), q.dtype()), gk = Tensor::empty(k.shape(), k.dtype()),
             gv = Tensor::empty(v.shape(), v.dtype());
      Tensor dscores = autograd::wants_grad(in, 3) ? Tensor::empty(probs.shape(), probs.dtype()) : Tensor();
      cpu::dispatch_floating(q.dtype(), "attention", [&](auto tag) {
        attention_backward<decltype(tag)>(d, q, k, v, probs, g, gq, gk, gv, dscores);
      });
      autograd::add_grad(in, 0, gq);
      autograd::add_grad(in, 1, gk);
      autograd::add_grad(in, 2, gv);
      if (dscores.defined()) in[3].accumulate_grad(sum_to(dscores, in[3].shape()));
    });
  }
  return out;
}

}  // namespace tessera::ops
