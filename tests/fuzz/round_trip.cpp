#include "tests/fuzz/round_trip.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace tessera::fuzz {

void check_round_trip(const text::Tokenizer& tokenizer, std::string_view bytes) {
  const std::vector<int32_t> ids = tokenizer.encode(bytes);
  for (int32_t id : ids)
    if (id < 0 || id >= tokenizer.vocab_size()) {
      std::fprintf(stderr, "fuzz: finding: %s tokenizer encoded id %d outside its vocabulary\n", tokenizer.kind().c_str(), id);
      std::abort();
    }
  if (tokenizer.decode(ids) != bytes) {
    std::fprintf(stderr, "fuzz: finding: %s tokenizer does not decode %zu bytes back to themselves\n",
                 tokenizer.kind().c_str(), bytes.size());
    std::abort();
  }
}

std::unique_ptr<text::Tokenizer> small_bpe() {
  return text::train_bpe(
      "The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs on and on.\n"
      "  Indented lines, tabs\tand unicode: naïve café, ß, 東京.\n",
      300);
}

}  // namespace tessera::fuzz
