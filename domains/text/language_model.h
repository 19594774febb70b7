#pragma once
// Language model: token embedding -> shared trunk -> LM head tied to the token embedding. Causal
// (next-token) or bidirectional (masked-token) attention. With learned positions, LayerNorm and
// tanh-GELU, the causal model is exactly GPT-2.
#include "core/nn/transformer.h"

namespace tessera::text {

struct LanguageModelConfig {
  int64_t vocab_size = 256;  // embedding rows; for masked LM this includes the mask token
  int64_t context = 128;
  bool causal = true;
  nn::TrunkConfig trunk;
};

class LanguageModel : public nn::Module {
 public:
  explicit LanguageModel(const LanguageModelConfig& config);
  // tokens [B, T] integers -> logits [B, T, vocab]
  Tensor logits(const Tensor& tokens) const;
  // Mean cross-entropy of logits(tokens) against targets [B, T] (ignore_index -100 skipped).
  Tensor loss(const Tensor& tokens, const Tensor& targets) const;
  const LanguageModelConfig& config() const { return config_; }

  nn::Embedding token_embedding;
  nn::Trunk trunk;

 private:
  LanguageModelConfig config_;
};

}  // namespace tessera::text
