#include "modalities/field/fourier_mixing.h"

#include <cmath>

#include "core/util/error.h"

namespace tessera::field {
namespace {

// The real [blocks, 2 bs, 2 bs] matrix that multiplies [re | im] rows as the complex matrix
// W = real + i imag multiplies complex rows: [re | im] -> [re W_r - im W_i | re W_i + im W_r].
Tensor complex_as_real(const Tensor& real, const Tensor& imag) {
  return ops::concat({ops::concat({real, imag}, 2), ops::concat({ops::scale(imag, -1.0), real}, 2)}, 1);
}

}  // namespace

FourierTokenMixing::FourierTokenMixing(const FourierMixingConfig& c) : config_(c) {
  if (c.blocks <= 0 || c.d_model % c.blocks != 0)
    throw ConfigError("", "afno_blocks " + std::to_string(c.blocks) + " must divide d_model " + std::to_string(c.d_model));
  const int64_t nb = c.blocks, bs = c.d_model / c.blocks;
  w1_real = register_parameter("w1_real", Tensor::zeros({nb, bs, bs}));
  w1_imag = register_parameter("w1_imag", Tensor::zeros({nb, bs, bs}));
  b1 = register_parameter("b1", Tensor::zeros({nb, 1, 2 * bs}));
  w2_real = register_parameter("w2_real", Tensor::zeros({nb, bs, bs}));
  w2_imag = register_parameter("w2_imag", Tensor::zeros({nb, bs, bs}));
  b2 = register_parameter("b2", Tensor::zeros({nb, 1, 2 * bs}));
}

Tensor FourierTokenMixing::forward(const Tensor& x, int64_t rows, int64_t cols) const {
  const int64_t B = x.size(0), D = config_.d_model, nb = config_.blocks, bs = D / nb, K = cols / 2 + 1;
  TESSERA_CHECK(x.dim() == 3 && x.size(1) == rows * cols && x.size(2) == D,
                "fourier mixing: tokens must be [B, rows * cols, D], got " + shape_str(x.shape()));
  const double ortho = 1.0 / std::sqrt(static_cast<double>(rows * cols));
  Tensor grid = ops::reshape(ops::contiguous(ops::transpose(x, 1, 2)), {B, D, rows, cols});
  Tensor spectrum = ops::reshape(ops::scale(ops::rfft2(grid), ortho), {B, nb, bs, rows, K, 2});
  // (B, nb, bs, R, K, 2) -> (nb, B, R, K, 2, bs): each block's frequencies as rows of [re | im].
  Tensor s = ops::transpose(ops::transpose(ops::transpose(ops::transpose(spectrum, 0, 1), 2, 5), 2, 3), 3, 4);
  s = ops::reshape(ops::contiguous(s), {nb, B * rows * K, 2 * bs});
  Tensor h = ops::gelu(ops::add(ops::matmul(s, complex_as_real(w1_real, w1_imag)), b1));
  Tensor o = ops::softshrink(ops::add(ops::matmul(h, complex_as_real(w2_real, w2_imag)), b2), config_.shrink);
  o = ops::reshape(o, {nb, B, rows, K, 2, bs});
  o = ops::transpose(ops::transpose(ops::transpose(ops::transpose(o, 3, 4), 2, 3), 2, 5), 0, 1);  // (B, nb, bs, R, K, 2)
  Tensor mixed = ops::irfft2(ops::reshape(ops::contiguous(o), {B, D, rows, K, 2}), cols);
  mixed = ops::scale(mixed, 1.0 / ortho);
  return ops::contiguous(ops::transpose(ops::reshape(mixed, {B, D, rows * cols}), 1, 2));
}

FourierBlock::FourierBlock(const FourierMixingConfig& m, const nn::TrunkConfig& t)
    : ln1(t.d_model, t.norm), mixing(m), ln2(t.d_model, t.norm), mlp(t) {
  register_module("ln1", ln1);
  register_module("mixing", mixing);
  register_module("ln2", ln2);
  register_module("mlp", mlp);
}

Tensor FourierBlock::forward(const Tensor& x, int64_t rows, int64_t cols) const {
  Tensor h = ops::add(x, mixing.forward(ln1.forward(x), rows, cols));
  return ops::add(h, mlp.forward(ln2.forward(h)));
}

}  // namespace tessera::field
