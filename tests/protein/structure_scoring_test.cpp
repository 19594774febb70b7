// score_chain's pairing of residues and the JSON it feeds, on chains built in memory.
#include <gtest/gtest.h>

#include <cmath>

#include "core/util/error.h"
#include "domains/protein/structure_scoring.h"

namespace tessera::protein {
namespace {

// A helix of C-alpha atoms (N, C, C-beta missing) numbered from `first`.
ProteinChain helix(size_t n, int first, const std::string& source) {
  ProteinChain c;
  c.source = source;
  c.chain_id = "A";
  c.name = "x_A";
  for (size_t i = 0; i < n; ++i) {
    const double a = static_cast<double>(i) * 100.0 * M_PI / 180.0;
    std::array<Point, kChainAtoms> atoms{missing_point(), missing_point(), missing_point(), missing_point()};
    atoms[kCA] = {2.3 * std::cos(a), 2.3 * std::sin(a), 1.5 * static_cast<double>(i)};
    c.atoms.push_back(atoms);
    c.sequence += 'A';
    c.residue_numbers.push_back(first + static_cast<int>(i));
    c.insertion_codes.push_back(' ');
  }
  return c;
}

TEST(ScoreChain, ResiduesPairByNumberAndInsertionCode) {
  ProteinChain reference = helix(40, 1, "ref/t1.pdb");
  ProteinChain predicted = helix(40, 1, "pred/t1.pdb");
  // The prediction calls residue 11 "10A": it no longer pairs with the reference's 11.
  predicted.residue_numbers[10] = 10;
  predicted.insertion_codes[10] = 'A';
  const ChainScore s = score_chain(predicted, reference);
  EXPECT_EQ(s.name, "t1");
  EXPECT_EQ(s.chain, "A");
  EXPECT_EQ(s.n_residues, 40u);
  EXPECT_EQ(s.n_common, 39u);
  EXPECT_NEAR(s.tm_score, 39.0 / 40.0, 1e-12);
  EXPECT_LT(s.lddt_ca, 1.0);  // residue 11's pairs fail: the model lacks it
  EXPECT_NEAR(s.rmsd, 0.0, 1e-9);
}

TEST(ScoreChain, ReferenceResiduesWithoutCalphaDoNotCount) {
  ProteinChain reference = helix(30, 1, "ref/t2.pdb");
  reference.atoms[4][kCA] = missing_point();
  const ChainScore s = score_chain(helix(30, 1, "pred/t2.pdb"), reference);
  EXPECT_EQ(s.n_residues, 29u);
  EXPECT_EQ(s.n_common, 29u);
  EXPECT_NEAR(s.tm_score, 1.0, 1e-12);
  EXPECT_NEAR(s.lddt_ca, 1.0, 1e-12);
}

TEST(ScoreChain, ARepeatedNumberPairsOnce) {
  ProteinChain predicted = helix(20, 1, "pred/t3.pdb");
  predicted.residue_numbers[19] = 1;  // a second residue 1
  const ChainScore s = score_chain(predicted, helix(20, 1, "ref/t3.pdb"));
  EXPECT_EQ(s.n_common, 19u);
}

TEST(ScoreChain, NoCommonResidueIsADataErrorNamingThePrediction) {
  try {
    score_chain(helix(20, 100, "pred/t4.pdb"), helix(20, 1, "ref/t4.pdb"));
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_EQ(e.path(), "pred/t4.pdb");
  }
}

TEST(ScoresJson, UndefinedScoresAreNullAndLeftOutOfTheMean) {
  ChainScore a, b;
  a.name = "a";
  a.lddt_ca = std::nan("");
  a.tm_score = 0.4;
  b.name = "b";
  b.lddt_ca = 0.8;
  b.tm_score = 0.6;
  const auto j = scores_json({a, b});
  EXPECT_TRUE(j["structures"][0]["lddt_ca"].is_null());
  EXPECT_DOUBLE_EQ(j["mean"]["lddt_ca"].get<double>(), 0.8);
  EXPECT_DOUBLE_EQ(j["mean"]["tm_score"].get<double>(), 0.5);
  for (const char* key : {"n_residues", "n_common", "lddt_ca", "tm_score", "gdt_ts", "gdt_ha", "rmsd"})
    EXPECT_TRUE(j["mean"].contains(key)) << key;
}

}  // namespace
}  // namespace tessera::protein
