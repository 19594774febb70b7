// Text as the text domain reads it: a training corpus file (its bytes, chunked and tokenized by the
// byte and a BPE tokenizer, which must round-trip) and a CrowS-Pairs CSV of sentence pairs.
#include <cstdio>
#include <cstdlib>

#include "domains/text/byte_corpus.h"
#include "domains/text/crows_pairs.h"
#include "modalities/text/chunking.h"
#include "tests/fuzz/fuzz_harness.h"
#include "tests/fuzz/round_trip.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::unique_ptr<tessera::text::Tokenizer> bpe = tessera::fuzz::small_bpe();
  static const std::unique_ptr<tessera::text::Tokenizer> bytes = tessera::text::make_byte_tokenizer();
  const std::string& corpus = tessera::fuzz::input_file(data, size, ".txt");
  tessera::fuzz::expect_input_error([&] {
    const tessera::text::ByteCorpus loaded = tessera::text::load_byte_corpus(corpus);
    const std::string_view text(reinterpret_cast<const char*>(loaded.bytes.data()), loaded.bytes.size());
    std::string joined;
    for (std::string_view chunk : tessera::text::split_chunks(text)) {
      if (chunk.empty() || chunk.size() > tessera::text::kMaxChunkBytes) {
        std::fprintf(stderr, "fuzz: finding: a chunk of %zu bytes\n", chunk.size());
        std::abort();
      }
      joined += chunk;
    }
    if (joined != text) {
      std::fprintf(stderr, "fuzz: finding: the chunks do not add up to the text\n");
      std::abort();
    }
    tessera::fuzz::check_round_trip(*bytes, text);
    tessera::fuzz::check_round_trip(*bpe, text);
  });
  const std::string& pairs = tessera::fuzz::input_file(data, size, ".csv");
  tessera::fuzz::expect_input_error([&] { tessera::text::read_sentence_pairs(pairs); });
  return 0;
}

namespace tessera::fuzz {

std::vector<std::string> seeds() {
  return {
      "First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n",
      "sent_more,sent_less,stereo_antistereo,bias_type\n\"He said \"\"no\"\", loudly.\",\"She said no.\",stereo,gender\n"
      "A b c.,A b d.,antistereo,age\n",
      ",sent_more,sent_less,bias_type,annotations\n0,x y,x z,race-color,\"['a', 'b']\"\r\n",
      std::string("bytes \0\xff\xfe invalid utf-8 \xe6\x9d\xb1\xe4", 29),
  };
}

}  // namespace tessera::fuzz
