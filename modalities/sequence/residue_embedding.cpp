#include "modalities/sequence/residue_embedding.h"

#include "core/util/error.h"
#include "modalities/sequence/residue_alphabet.h"

namespace tessera::sequence {

ResidueEmbedding::ResidueEmbedding(int64_t d_model) : embedding(kResidueVocab, d_model) {
  register_module("embedding", embedding);
}

nn::Tokens ResidueEmbedding::forward(const Tensor& tokens) const {
  TESSERA_CHECK(tokens.dim() == 2, "residue_embedding: tokens must be [B, L], got " + shape_str(tokens.shape()));
  nn::Tokens out;
  out.embeddings = embedding.forward(tokens);
  const Tensor host = tokens.to(Device::cpu());  // a contiguous host copy
  Tensor padding = Tensor::zeros(tokens.shape(), DType::u8);
  const int64_t* t = host.data<int64_t>();
  uint8_t* p = padding.data<uint8_t>();
  bool any = false;
  for (int64_t i = 0; i < tokens.numel(); ++i) any |= (p[i] = t[i] == kPadToken) != 0;
  if (any) out.key_padding_mask = place(padding);
  return out;
}

}  // namespace tessera::sequence
