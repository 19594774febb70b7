#include <algorithm>
#include <cmath>
#include <limits>

#include "core/autograd/autograd.h"
#include "core/ops/broadcast.h"
#include "core/ops/cpu/dispatch.h"
#include "core/ops/cpu/gemm.h"
#include "core/ops/cpu/softmax_rows.h"
#include "core/ops/cuda/flash_attention.h"
#include "core/ops/cuda_call.h"
#include "core/ops/ops.h"

namespace tessera::ops {
namespace {

struct AttnDims {
  int64_t B, Tq, Tk, H, Dh;
  int64_t q_sb, q_st, k_sb, k_st, v_sb, v_st;  // batch and time strides of q, k, v
  int64_t bias_batch;                          // 0: no bias; 1 or B
  double scale;
  bool causal;
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
             k.stride(0), k.stride(1), v.stride(0), v.stride(1), 0, o.scale, o.causal};
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

// Queries are processed in blocks. Under a causal mask a block only sees the keys up to its last
// query, so the GEMMs skip the masked upper triangle (about 3/8 of the work with four blocks).
struct QueryBlock {
  int64_t q0, q1;  // query rows [q0, q1)
  int64_t keys;    // keys [0, keys) are visible to some query of the block
};

template <class F>
void for_each_query_block(const AttnDims& d, F&& f) {
  const int64_t shift = d.Tk - d.Tq;  // queries are the last Tq positions of the key sequence
  const int64_t block = d.causal ? std::max<int64_t>(32, (d.Tq + 3) / 4) : d.Tq;
  for (int64_t q0 = 0; q0 < d.Tq; q0 += block) {
    const int64_t q1 = std::min(d.Tq, q0 + block);
    f(QueryBlock{q0, q1, d.causal ? std::clamp<int64_t>(q1 + shift, 0, d.Tk) : d.Tk});
  }
}

// Probabilities for the rows of one block: P = softmax(scale Q K^T + bias) with masked keys at
// -inf. Columns [visible, keys) of a row are exact zeros; columns past `keys` are never read.
template <class T>
void block_probs(const AttnDims& d, const QueryBlock& blk, const T* q, const T* k, const T* bias, const uint8_t* pad,
                 T* p) {
  const T ninf = -std::numeric_limits<T>::infinity();
  const int64_t shift = d.Tk - d.Tq;
  cpu::gemm(false, true, blk.q1 - blk.q0, blk.keys, d.Dh, static_cast<T>(d.scale), q + blk.q0 * d.q_st, d.q_st, k,
            d.k_st, T(0), p + blk.q0 * d.Tk, d.Tk);
  for (int64_t i = blk.q0; i < blk.q1; ++i) {
    T* row = p + i * d.Tk;
    const int64_t visible = d.causal ? std::clamp<int64_t>(i + shift + 1, 0, d.Tk) : d.Tk;
    if (bias)
      for (int64_t j = 0; j < visible; ++j) row[j] += bias[i * d.Tk + j];
    if (pad)
      for (int64_t j = 0; j < visible; ++j)
        if (pad[j]) row[j] = ninf;
    cpu::softmax_row(row, row, visible);
    for (int64_t j = visible; j < blk.keys; ++j) row[j] = T(0);
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
    const T* qh = pq + b * d.q_sb + h * d.Dh;
    const T* kh = pk + b * d.k_sb + h * d.Dh;
    const T* vh = pv + b * d.v_sb + h * d.Dh;
    T* oh = po + b * d.Tq * hd + h * d.Dh;
    for_each_query_block(d, [&](const QueryBlock& blk) {
      const int64_t rows = blk.q1 - blk.q0;
      if (blk.keys == 0) {  // nothing visible: zero output rows
        for (int64_t i = blk.q0; i < blk.q1; ++i) std::fill_n(oh + i * hd, d.Dh, T(0));
        return;
      }
      block_probs(d, blk, qh, kh, bias, ppad ? ppad + b * d.Tk : nullptr, p);
      cpu::gemm(false, false, rows, d.Dh, blk.keys, T(1), p + blk.q0 * d.Tk, d.Tk, vh, d.v_st, T(0),
                oh + blk.q0 * hd, hd);
    });
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
      T* dq = oq + b * d.Tq * hd + h * d.Dh;
      T* dk = ok + b * d.Tk * hd + h * d.Dh;
      T* dv = ov + b * d.Tk * hd + h * d.Dh;
      T* ds = ods ? ods + bh * tt : scratch.data();
      // dK and dV collect contributions from every query block.
      for (int64_t j = 0; j < d.Tk; ++j) {
        std::fill_n(dk + j * hd, d.Dh, T(0));
        std::fill_n(dv + j * hd, d.Dh, T(0));
      }
      if (ods) std::fill_n(ds, tt, T(0));
      for_each_query_block(d, [&](const QueryBlock& blk) {
        const int64_t rows = blk.q1 - blk.q0;
        if (blk.keys == 0) {
          for (int64_t i = blk.q0; i < blk.q1; ++i) std::fill_n(dq + i * hd, d.Dh, T(0));
          return;
        }
        const T* pb = p + blk.q0 * d.Tk;
        T* dsb = ds + blk.q0 * d.Tk;
        cpu::gemm(true, false, blk.keys, d.Dh, rows, T(1), pb, d.Tk, go + blk.q0 * hd, hd, T(1), dv, hd);
        cpu::gemm(false, true, rows, blk.keys, d.Dh, T(1), go + blk.q0 * hd, hd, vh, d.v_st, T(0), dsb, d.Tk);
        for (int64_t i = 0; i < rows; ++i)
          cpu::softmax_row_backward(pb + i * d.Tk, dsb + i * d.Tk, dsb + i * d.Tk, blk.keys);
        cpu::gemm(false, false, rows, d.Dh, blk.keys, sc, dsb, d.Tk, kh, d.k_st, T(0), dq + blk.q0 * hd, hd);
        cpu::gemm(true, false, blk.keys, d.Dh, rows, sc, dsb, d.Tk, qh + blk.q0 * d.q_st, d.q_st, T(1), dk, hd);
      });
    }
  }
}

// CUDA: fused kernels that keep one log-sum-exp per query row instead of the probabilities, and
// return the bias gradient already summed to the bias's shape.
Tensor attention_cuda(const Tensor& q_in, const Tensor& k_in, const Tensor& v_in, const AttentionOptions& options) {
  AttentionOptions o = options;
  if (o.bias.defined()) o.bias = contiguous(options.bias).detach();
  if (o.key_padding_mask.defined()) o.key_padding_mask = contiguous(options.key_padding_mask).detach();
  Tensor q = q_in.detach(), k = k_in.detach(), v = v_in.detach();
  const AttnDims d = attention_dims(q, k, v, o);
  Tensor out = Tensor::empty({d.B, d.Tq, d.H, d.Dh}, q.dtype(), q.device());
  Tensor lse = Tensor::empty({d.B, d.H, d.Tq}, DType::f32, q.device());
  TESSERA_CUDA_CALL(cuda::flash_attention_forward(q, k, v, o, out, lse));
  if (autograd::needs_graph({q_in, k_in, v_in, options.bias})) {
    autograd::record(out, {q_in, k_in, v_in, options.bias},
                     [q, k, v, o, lse, saved = out.detach()](std::vector<Tensor>& in, const Tensor& g_in) {
      const Device dev = q.device();
      cuda::FlashAttentionGrads grads{
          Tensor::empty(saved.shape(), q.dtype(), dev), Tensor::empty(k.shape(), k.dtype(), dev),
          Tensor::empty(v.shape(), v.dtype(), dev),
          autograd::wants_grad(in, 3) ? Tensor::empty(o.bias.shape(), o.bias.dtype(), dev) : Tensor()};
      TESSERA_CUDA_CALL(cuda::flash_attention_backward(q, k, v, o, saved, lse, contiguous(g_in), grads));
      autograd::add_grad(in, 0, grads.q);
      autograd::add_grad(in, 1, grads.k);
      autograd::add_grad(in, 2, grads.v);
      if (grads.bias.defined()) in[3].accumulate_grad(grads.bias);
    });
  }
  return out;
}

}  // namespace

Tensor attention(const Tensor& q_in, const Tensor& k_in, const Tensor& v_in, const AttentionOptions& options) {
  if (on_cuda(q_in)) return attention_cuda(q_in, k_in, v_in, options);
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
