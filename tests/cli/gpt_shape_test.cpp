// The benchmark's model sizes (bench/gpt_run_config.h): GPT-2 124M's vocabulary padded to a
// multiple of 64, as llm.c and nanoGPT run it.
#include <gtest/gtest.h>

#include "bench/gpt_run_config.h"

namespace tessera::bench {
namespace {

TEST(GptShape, Gpt2VocabularyIsPaddedToAMultipleOf64) {
  const GptShape s = gpt_shape("gpt2-124m");
  EXPECT_EQ(s.vocab % kVocabMultiple, 0);
  EXPECT_GE(s.vocab, 50257);
  EXPECT_LT(s.vocab, 50257 + kVocabMultiple);
}

TEST(GptShape, PaddingRoundsUpOnlyWhenNeeded) {
  EXPECT_EQ(padded_vocab(256), 256);
  EXPECT_EQ(padded_vocab(257), 320);
  EXPECT_EQ(padded_vocab(1), 64);
}

TEST(GptShape, ByteModelsKeepTheirVocabulary) {
  EXPECT_EQ(gpt_shape("tiny").vocab, 256);
  EXPECT_EQ(gpt_shape("small").vocab, 256);
}

}  // namespace
}  // namespace tessera::bench
