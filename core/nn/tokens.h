#pragma once
// The trunk contract (docs/architecture.md): modalities produce Tokens, the trunk returns hidden states
// [B, T, D], heads consume them.
#include "core/tensor/tensor.h"

namespace tessera::nn {

struct Tokens {
  Tensor embeddings;        // [B, T, D]
  Tensor key_padding_mask;  // [B, T] u8, nonzero = padding; optional
  Tensor attn_bias;         // [B or 1, H, T, T] additive; optional, differentiable
  Tensor positions;         // [T] or [B, T] integers; optional (defaults to 0..T-1)
  bool causal = false;
  int64_t modality = -1;    // index into the trunk's modality-type embedding; -1: none
};

}  // namespace tessera::nn
