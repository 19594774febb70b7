#pragma once
// Residue tokens to the trunk's Tokens: a learned embedding per token; positions are left to the
// trunk (rotary or learned, as its config says) and padded residues are masked out of attention.
#include "core/nn/layers.h"
#include "core/nn/tokens.h"

namespace tessera::sequence {

class ResidueEmbedding : public nn::Module {
 public:
  explicit ResidueEmbedding(int64_t d_model);
  // tokens [B, L] integers -> Tokens{embeddings [B, L, D], key_padding_mask where tokens are pad}
  nn::Tokens forward(const Tensor& tokens) const;
  nn::Embedding embedding;
};

}  // namespace tessera::sequence
