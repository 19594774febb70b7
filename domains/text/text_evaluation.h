#pragma once
#include <cstdint>
#include <string>

#include "domains/text/language_model.h"
#include "modalities/text/tokenizer.h"

namespace tessera::text {

struct TextEvaluation {
  double loss = 0;            // mean cross-entropy per predicted token (nats)
  double perplexity = 0;      // exp(loss)
  double bits_per_byte = 0;   // total bits over the bytes the predicted tokens stand for
  int64_t tokens = 0;         // predicted tokens
  int64_t bytes = 0;          // bytes they stand for
};

// Scores a whole text in consecutive windows of the model's context. A causal model predicts
// every token after the first of each window; a masked model predicts a fixed (seeded) share.
TextEvaluation evaluate_text(const LanguageModel& model, const Tokenizer& tokenizer, const std::string& text,
                             double mask_fraction, const std::string& source);

}  // namespace tessera::text
