#pragma once
// Scores of a language model on a text: the mean cross-entropy of the tokens it predicted, its
// perplexity, and bits per byte (total bits over the bytes those tokens stand for), which compares
// models with different tokenizers.
#include <cstdint>
#include <string>

namespace tessera::eval {

struct LanguageScore {
  double loss = 0;           // mean cross-entropy per predicted token (nats)
  double perplexity = 0;     // exp(loss)
  double bits_per_byte = 0;
  int64_t tokens = 0;        // predicted tokens
  int64_t bytes = 0;         // bytes they stand for
};

class LanguageScorer {
 public:
  // A batch of `tokens` predictions with mean cross-entropy `mean_nats`, standing for `bytes`.
  void add(double mean_nats, int64_t tokens, int64_t bytes);
  int64_t tokens() const { return tokens_; }
  LanguageScore result() const;

 private:
  double nats_ = 0;
  int64_t tokens_ = 0, bytes_ = 0;
};

// The baseline any language model should beat: the entropy of the text's own byte frequencies, in
// bits per byte (a model that knows the frequencies but no context; fitted on the scored text
// itself, so a slightly optimistic baseline). 0 for an empty text.
double byte_unigram_bits_per_byte(const std::string& text);

}  // namespace tessera::eval
