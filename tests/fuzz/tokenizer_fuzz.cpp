// A tokenizer JSON file (what a text checkpoint's run folder keeps next to it): loaded, then
// used on its own bytes (encode/decode must round-trip); decoding an id past its vocabulary must
// be refused.
#include <cstdio>
#include <cstdlib>

#include "core/util/error.h"
#include "modalities/text/tokenizer.h"
#include "tests/fuzz/fuzz_harness.h"
#include "tests/fuzz/round_trip.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = tessera::fuzz::input_file(data, size, ".json");
  tessera::fuzz::expect_input_error([&] {
    const std::unique_ptr<tessera::text::Tokenizer> tokenizer = tessera::text::load_tokenizer(path);
    tessera::fuzz::check_round_trip(*tokenizer, std::string_view(reinterpret_cast<const char*>(data), size));
    tokenizer->to_json().dump();
    const int32_t last = static_cast<int32_t>(tokenizer->vocab_size() - 1);
    tokenizer->token_bytes(last);
    tokenizer->decode({0, last});
    try {
      tokenizer->decode({last + 1});
    } catch (const tessera::InputError&) {
      return;
    }
    std::fprintf(stderr, "fuzz: finding: the tokenizer decoded id %d, outside its vocabulary\n", last + 1);
    std::abort();
  });
  return 0;
}

namespace tessera::fuzz {

std::vector<std::string> seeds() {
  const std::string bpe = scratch_path("seed-bpe.json"), byte = scratch_path("seed-byte.json");
  text::save_tokenizer(*small_bpe(), bpe);
  text::save_tokenizer(*text::make_byte_tokenizer(), byte);
  return {file_bytes(bpe), file_bytes(byte), "{\"kind\": \"bpe\", \"vocab_size\": 258, \"merges\": [[32, 116], [256, 104]]}"};
}

}  // namespace tessera::fuzz
