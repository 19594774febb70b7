#pragma once
// The differentiable operations. Each one has a CPU kernel for f32 and f64 (f64 exists for
// gradient checks), a hand-written backward, and records itself on the autograd graph when an
// input requires a gradient. Shapes follow PyTorch conventions.
#include <cstdint>
#include <optional>
#include <vector>

#include "core/tensor/tensor.h"

namespace tessera::ops {

// ---- shape (views where possible) ----
Tensor reshape(const Tensor& x, Shape shape);  // one dimension may be -1
Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1);  // view
Tensor slice(const Tensor& x, int64_t dim, int64_t start, int64_t end, int64_t step = 1);  // view
Tensor concat(const std::vector<Tensor>& xs, int64_t dim);
Tensor contiguous(const Tensor& x);  // x itself when already contiguous

// ---- elementwise (numpy broadcasting for add and mul) ----
Tensor add(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor scale(const Tensor& x, double factor);

// ---- reductions ----
Tensor sum(const Tensor& x);                                 // scalar
Tensor sum(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor mean(const Tensor& x);
Tensor mean(const Tensor& x, int64_t dim, bool keepdim = false);

// ---- matrix products ----
// a [..., M, K] (or [..., K, M] with trans_a) times b [..., K, N] (or [..., N, K] with trans_b).
// Batch dimensions must match, or one side is a plain matrix shared by every batch.
Tensor matmul(const Tensor& a, const Tensor& b, bool trans_a = false, bool trans_b = false);

enum class Activation { none, gelu_tanh, gelu_erf, silu };
// y = act(x W^T + b): x [..., in], weight [out, in], bias [out] or undefined. The bias and the
// activation run as one epilogue pass over the GEMM output.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias, Activation act = Activation::none);

// ---- activations and normalization ----
Tensor gelu(const Tensor& x, bool tanh_approximation = true);
Tensor silu(const Tensor& x);
// x - lambda where x > lambda, x + lambda where x < -lambda, 0 between (sparsifies AFNO spectra).
Tensor softshrink(const Tensor& x, double lambda);
Tensor softmax(const Tensor& x);  // over the last dimension
Tensor layernorm(const Tensor& x, const Tensor& gamma, const Tensor& beta, double eps = 1e-5);
Tensor rmsnorm(const Tensor& x, const Tensor& gamma, double eps = 1e-6);
// sum = x + residual (same shape) and normalized = layernorm(sum) (or rmsnorm), computed in one
// pass over the rows: the residual stream of a pre-LN block followed by its next norm.
struct ResidualNorm {
  Tensor sum;
  Tensor normalized;
};
ResidualNorm add_layernorm(const Tensor& x, const Tensor& residual, const Tensor& gamma, const Tensor& beta,
                           double eps = 1e-5);
ResidualNorm add_rmsnorm(const Tensor& x, const Tensor& residual, const Tensor& gamma, double eps = 1e-6);

// ---- attention ----
struct AttentionOptions {
  bool causal = false;
  Tensor key_padding_mask;  // [B, Tk] u8, nonzero = padding (ignored key)
  Tensor bias;              // additive [B or 1, H, Tq, Tk], differentiable
  double scale = 0;         // 0 = 1/sqrt(head_dim)
};
// q [B, Tq, H, Dh], k and v [B, Tk, H, Dh]. Heads and head_dim must be packed (the last two
// dimensions contiguous); batch and time may have any stride, so q, k and v can be slices of one
// fused QKV projection. Returns [B, Tq, H, Dh]. A query whose keys are all masked yields zeros.
Tensor attention(const Tensor& q, const Tensor& k, const Tensor& v, const AttentionOptions& options = {});

// Rotary position embedding (rotate-half convention) on x [B, T, H, Dh] with positions [T] or
// [B, T] (integers); Dh must be even.
Tensor rope(const Tensor& x, const Tensor& positions, double theta = 10000.0);

// ---- embedding and losses ----
Tensor embedding(const Tensor& weight, const Tensor& indices);  // weight [V, D] -> [..., D]
// Mean cross-entropy of logits [..., V] against integer targets [...]; targets equal to
// ignore_index do not count. Softmax and loss are fused and the logit gradient is formed in the
// forward pass, so the probabilities are never stored twice.
Tensor cross_entropy(const Tensor& logits, const Tensor& targets, int64_t ignore_index = -100);
// mean(weight * (pred - target)^2); weight broadcasts to pred (e.g. latitude weights) or is undefined.
Tensor mse(const Tensor& pred, const Tensor& target, const Tensor& weight = Tensor());

// ---- regularization ----
// Inverted dropout; the mask is a pure function of (seed, offset, element index), so it is
// reproducible and needs no storage.
Tensor dropout(const Tensor& x, double p, uint64_t seed, uint64_t offset);

// ---- Fourier ----
// x [..., H, W] real -> [..., H, W/2+1, 2] (real, imaginary); unnormalized, as torch.fft.rfft2.
Tensor rfft2(const Tensor& x);
// X [..., H, W/2+1, 2] -> [..., H, width] real; scaled by 1/(H*width), as torch.fft.irfft2.
Tensor irfft2(const Tensor& x, int64_t width);

}  // namespace tessera::ops
