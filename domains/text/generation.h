#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "domains/text/language_model.h"
#include "modalities/text/tokenizer.h"

namespace tessera::text {

struct SamplingOptions {
  int64_t max_tokens = 200;
  double temperature = 1.0;  // 0: greedy
  int64_t top_k = 0;         // 0: all tokens
  double top_p = 1.0;        // nucleus mass; 1: all tokens
  uint64_t seed = 0;
};

// Passes `prompt` to `emit`, then continues it token by token, passing each new token's bytes
// to `emit` as soon as it is drawn. The same seed gives the same text. The context slides once the sequence outgrows it.
// Throws InputError when the prompt alone is longer than the model's context.
void generate(const LanguageModel& model, const Tokenizer& tokenizer, const std::string& prompt,
              const SamplingOptions& options, const std::function<void(const std::string&)>& emit);

}  // namespace tessera::text
