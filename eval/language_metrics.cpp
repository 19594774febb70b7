#include "eval/language_metrics.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace tessera::eval {

void LanguageScorer::add(double mean_nats, int64_t tokens, int64_t bytes) {
  nats_ += mean_nats * static_cast<double>(tokens);
  tokens_ += tokens;
  bytes_ += bytes;
}

LanguageScore LanguageScorer::result() const {
  LanguageScore s;
  s.tokens = tokens_;
  s.bytes = bytes_;
  s.loss = tokens_ > 0 ? nats_ / static_cast<double>(tokens_) : 0.0;
  s.perplexity = std::exp(s.loss);
  s.bits_per_byte = nats_ / std::log(2.0) / static_cast<double>(std::max<int64_t>(1, bytes_));
  return s;
}

double byte_unigram_bits_per_byte(const std::string& text) {
  std::array<int64_t, 256> counts{};
  for (unsigned char c : text) ++counts[c];
  const double n = static_cast<double>(text.size());
  double bits = 0;
  for (int64_t count : counts)
    if (count > 0) bits -= static_cast<double>(count) / n * std::log2(static_cast<double>(count) / n);
  return bits;
}

}  // namespace tessera::eval
