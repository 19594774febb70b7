#pragma once
#include <string>

#include "domains/text/language_model.h"
#include "eval/language_metrics.h"
#include "modalities/text/tokenizer.h"

namespace tessera::text {

// Scores a whole text in consecutive windows of the model's context. A causal model predicts
// every token after the first of each window; a masked model predicts a fixed (seeded) share.
eval::LanguageScore evaluate_text(const LanguageModel& model, const Tokenizer& tokenizer, const std::string& text,
                                   double mask_fraction, const std::string& source);

}  // namespace tessera::text
