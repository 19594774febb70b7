#pragma once
// Adaptive Fourier neural operator token mixing (AFNO, as in FourCastNet): the tokens of a patch
// grid are taken to the 2-D frequency domain (rfft2, orthonormal), each frequency's channels pass
// through a block-diagonal complex two-layer MLP (GELU between the layers, where FourCastNet uses
// ReLU), soft-shrinkage sparsifies the result, and irfft2 brings it back to the grid.
#include "core/nn/transformer.h"

namespace tessera::field {

struct FourierMixingConfig {
  int64_t d_model = 128;
  int64_t blocks = 8;             // diagonal blocks of the complex weight matrices
  double shrink = 0.01;           // soft-shrinkage threshold
};

class FourierTokenMixing : public nn::Module {
 public:
  explicit FourierTokenMixing(const FourierMixingConfig& config);
  // x [B, rows * cols, D] -> [B, rows * cols, D]
  Tensor forward(const Tensor& x, int64_t rows, int64_t cols) const;

  Tensor w1_real, w1_imag, b1;  // [blocks, bs, bs], [blocks, bs, bs], [blocks, 1, 2 bs]
  Tensor w2_real, w2_imag, b2;

 private:
  FourierMixingConfig config_;
};

// Pre-norm block: x += mixing(norm1(x)); x += mlp(norm2(x)).
class FourierBlock : public nn::Module {
 public:
  FourierBlock(const FourierMixingConfig& mixing, const nn::TrunkConfig& trunk);
  Tensor forward(const Tensor& x, int64_t rows, int64_t cols) const;
  nn::Norm ln1;
  FourierTokenMixing mixing;
  nn::Norm ln2;
  nn::MLP mlp;
};

}  // namespace tessera::field
