#pragma once
// The parts of a text run config that define the model and its tokenizer. Read the same way when
// training starts and when a checkpoint is turned back into a model for generate and eval.
#include <memory>
#include <string>

#include "domains/text/language_model.h"
#include "modalities/text/tokenizer.h"
#include "core/config/config.h"
#include "core/task/trained_model.h"

namespace tessera::text {

constexpr const char* kArchitecture = "text/language_model";
inline const ModelKind kTextModel{kArchitecture, "a text language model"};

struct TextModelSpec {
  std::string tokenizer_kind = "byte";  // byte | bpe
  int64_t tokenizer_vocab = 256;        // bpe: target vocabulary
  std::string objective = "causal";     // causal | masked
  double mask_fraction = 0.15;          // masked: share of positions predicted
  // Its vocab_size holds model.vocab_size as read (0: not given) until model_vocab() settles it
  // once the tokenizer exists.
  LanguageModelConfig model;
};

// Reads the "tokenizer" and "model" sections of a run config (and checks them for unknown keys).
TextModelSpec read_text_model_spec(config::Section& root);

// Embedding rows for a tokenizer: its vocabulary, plus the mask token for a masked objective, or
// model.vocab_size when given (more rows than tokens, as GPT-2's 50257 over bytes in a benchmark).
int64_t model_vocab(const TextModelSpec& spec, const Tokenizer& tokenizer);

// A trained text model rebuilt from a checkpoint (weights, tokenizer and spec), for inference.
struct LoadedTextModel {
  TextModelSpec spec;
  std::unique_ptr<Tokenizer> tokenizer;
  std::unique_ptr<LanguageModel> model;
};
// The trained model of a checkpoint, in eval mode on `device`.
LoadedTextModel load_text_model(const std::string& checkpoint, Device device = Device::cpu());

}  // namespace tessera::text
