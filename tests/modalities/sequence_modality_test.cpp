// The sequence modality: residue tokens, the masked-residue objective, and Tokens for the trunk.
#include <gtest/gtest.h>

#include "modalities/sequence/masked_residues.h"
#include "modalities/sequence/residue_alphabet.h"
#include "modalities/sequence/residue_embedding.h"

namespace tessera::sequence {
namespace {

TEST(ResidueAlphabet, StandardLettersUnknownsAndNonLetters) {
  EXPECT_EQ(residue_tokens("ACDY"), (std::vector<int64_t>{0, 1, 2, 19}));
  EXPECT_EQ(residue_token('a'), 0);
  for (char c : {'X', 'B', 'Z', 'U', 'O', 'J'}) EXPECT_EQ(residue_token(c), kUnknownResidue) << c;
  for (char c : {'1', '-', '*', ' ', '\0'}) EXPECT_EQ(residue_token(c), -1) << int(c);
  EXPECT_EQ(residue_letter(19), 'Y');
  EXPECT_EQ(residue_letter(kMaskToken), 'X');
}

TEST(MaskedResidues, FifteenPercentChosenEightyTenTenAndPadNever) {
  std::vector<int64_t> tokens(40000);
  for (size_t i = 0; i < tokens.size(); ++i) tokens[i] = i % 4 == 3 ? kPadToken : static_cast<int64_t>(i % 20);
  Generator g(7);
  const MaskedResidues m = mask_residues(tokens, 0.15, g);
  int64_t chosen = 0, masked = 0, kept = 0, residues = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i] == kPadToken) {
      EXPECT_EQ(m.targets[i], -100);
      EXPECT_EQ(m.inputs[i], kPadToken);
      continue;
    }
    ++residues;
    if (m.targets[i] == -100) {
      EXPECT_EQ(m.inputs[i], tokens[i]);
      continue;
    }
    EXPECT_EQ(m.targets[i], tokens[i]);
    ++chosen;
    masked += m.inputs[i] == kMaskToken;
    kept += m.inputs[i] == tokens[i];
  }
  EXPECT_NEAR(static_cast<double>(chosen) / residues, 0.15, 0.01);
  EXPECT_NEAR(static_cast<double>(masked) / chosen, 0.8, 0.03);
  // kept: the 10 % left alone plus the random draws that hit the same residue (1/20 of 10 %)
  EXPECT_NEAR(static_cast<double>(kept) / chosen, 0.105, 0.03);
  Generator again(7);
  EXPECT_EQ(mask_residues(tokens, 0.15, again).inputs, m.inputs);
}

TEST(ResidueEmbedding, TokensCarryEmbeddingsAndPaddingMask) {
  ResidueEmbedding e(8);
  const Tensor tokens = Tensor::from_vector(std::vector<int64_t>{0, 5, kPadToken, 3, kMaskToken, 1}, {2, 3});
  const nn::Tokens t = e.forward(tokens);
  EXPECT_EQ(t.embeddings.shape(), (Shape{2, 3, 8}));
  ASSERT_TRUE(t.key_padding_mask.defined());
  const std::vector<double> pad = t.key_padding_mask.to_doubles();
  EXPECT_EQ(pad, (std::vector<double>{0, 0, 1, 0, 0, 0}));
  EXPECT_FALSE(e.forward(Tensor::from_vector(std::vector<int64_t>{0, 1}, {1, 2})).key_padding_mask.defined());
}

}  // namespace
}  // namespace tessera::sequence
