#pragma once
// Decoder-only language model: token embedding -> shared trunk (causal) -> LM head tied to the
// token embedding. With learned positions, LayerNorm and tanh-GELU it is exactly GPT-2.
#include "core/nn/transformer.h"

namespace tessera::text {

struct CausalLmConfig {
  int64_t vocab_size = 256;
  int64_t context = 128;
  nn::TrunkConfig trunk;
};

class CausalLm : public nn::Module {
 public:
  explicit CausalLm(const CausalLmConfig& config);
  // tokens [B, T] integers -> logits [B, T, vocab]
  Tensor logits(const Tensor& tokens) const;
  // Mean next-token cross-entropy of logits(tokens) against targets [B, T].
  Tensor loss(const Tensor& tokens, const Tensor& targets) const;
  const CausalLmConfig& config() const { return config_; }

  nn::Embedding token_embedding;
  nn::Trunk trunk;

 private:
  CausalLmConfig config_;
};

}  // namespace tessera::text
