// BPE on real English (tinyshakespeare, ~1.1 MB): exact round trip, compression and speed.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "modalities/text/tokenizer.h"
#include "tests/support/slurp.h"

namespace tessera::text {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(TokenizerRealData, BpeOnTinyShakespeare) {
  const std::string path = std::string(TESSERA_SOURCE_DIR) + "/../shared/data/text/tinyshakespeare.txt";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "corpus not found: " << path;
  const std::string text = test_support::slurp(path);
  ASSERT_GT(text.size(), 1000000u);

  auto start = std::chrono::steady_clock::now();
  const auto bpe = train_bpe(text, 1024);
  const double train_s = seconds_since(start);
  start = std::chrono::steady_clock::now();
  const std::vector<int32_t> ids = bpe->encode(text);
  const double encode_s = seconds_since(start);

  EXPECT_EQ(bpe->vocab_size(), 1024);
  EXPECT_EQ(bpe->decode(ids), text);
  const double ratio = double(ids.size()) / double(text.size());
  EXPECT_LT(ratio, 0.6);
  std::printf("tinyshakespeare: %zu bytes -> %zu tokens (%.3f tokens/byte, %.2f bytes/token); "
              "train to 1024: %.2f s, encode: %.3f s\n",
              text.size(), ids.size(), ratio, 1.0 / ratio, train_s, encode_s);
}

}  // namespace
}  // namespace tessera::text
