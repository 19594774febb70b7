#pragma once
// CUDA launchers of fused (FlashAttention-2 style) attention: the [Tq, Tk] score matrix is never
// stored; the forward keeps one log-sum-exp per query row and the backward recomputes the
// probabilities from it.
//
// q [B, Tq, H, Dh], k and v [B, Tk, H, Dh], all on one CUDA device, f32 or bf16, Dh at most 128.
// The head dimension must be contiguous; batch, time and head strides are free, so q, k and v may
// be views of one fused QKV projection. In `options`, key_padding_mask (u8 [B, Tk], nonzero =
// ignored key) and bias ([1 or B, H, Tq, Tk], q's dtype) are contiguous when defined; scale 0 means
// 1/sqrt(Dh). Semantics are those of ops::attention: under `causal` the queries are the last Tq
// positions of the key sequence, and a query whose keys are all masked yields zeros.
#include "core/ops/ops.h"

namespace tessera::cuda {

// out: contiguous [B, Tq, H, Dh] in q's dtype. logsumexp: contiguous f32 [B, H, Tq], the log of
// each row's softmax denominator (-inf for a row with no visible key), kept for the backward.
void flash_attention_forward(const Tensor& q, const Tensor& k, const Tensor& v, const ops::AttentionOptions& options,
                             const Tensor& out, const Tensor& logsumexp);

// Gradient outputs of the backward, allocated by the caller: q contiguous like the forward's
// out, k and v contiguous [B, Tk, H, Dh], all in q's dtype; bias undefined (no bias gradient
// wanted) or contiguous with the bias's shape, and then summed over the batch when the bias has
// batch 1.
struct FlashAttentionGrads {
  Tensor q, k, v, bias;
};

// grad_out: contiguous [B, Tq, H, Dh]; out and logsumexp: what the forward wrote.
void flash_attention_backward(const Tensor& q, const Tensor& k, const Tensor& v, const ops::AttentionOptions& options,
                              const Tensor& out, const Tensor& logsumexp, const Tensor& grad_out,
                              const FlashAttentionGrads& grads);

}  // namespace tessera::cuda
