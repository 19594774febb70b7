#include "domains/text/language_model.h"

#include "core/util/error.h"

namespace tessera::text {

LanguageModel::LanguageModel(const LanguageModelConfig& config)
    : token_embedding(config.vocab_size, config.trunk.d_model), trunk([&] {
        nn::TrunkConfig t = config.trunk;
        t.max_positions = config.context;
        return t;
      }()),
      config_(config) {
  if (config.vocab_size <= 0 || config.context <= 0) throw ConfigError("", "vocab_size and context must be positive");
  register_module("token_embedding", token_embedding);
  register_module("trunk", trunk);
}

Tensor LanguageModel::logits(const Tensor& tokens) const {
  TESSERA_CHECK(tokens.dim() == 2, "language_model: tokens must be [B, T], got " + shape_str(tokens.shape()));
  TESSERA_CHECK(tokens.size(1) <= config_.context, "language_model: sequence of " + std::to_string(tokens.size(1)) +
                                                       " tokens exceeds the context of " + std::to_string(config_.context));
  nn::Tokens in;
  in.embeddings = token_embedding.forward(tokens);
  in.causal = config_.causal;
  Tensor hidden = trunk.forward(in);
  return ops::matmul(hidden, token_embedding.weight, false, true);
}

Tensor LanguageModel::loss(const Tensor& tokens, const Tensor& targets) const {
  return ops::cross_entropy(logits(tokens), targets);
}

}  // namespace tessera::text
