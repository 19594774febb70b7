// The identity split: alignment identity, single-linkage clusters, whole clusters per split, and
// the promise behind it: no test chain above 40 % identity to any training chain.
#include <gtest/gtest.h>

#include "core/util/rng.h"
#include "domains/protein/identity_split.h"

namespace tessera::protein {
namespace {

const char* kAminoAcids = "ACDEFGHIKLMNPQRSTVWY";

std::string random_sequence(size_t n, Generator& g) {
  std::string s(n, 'A');
  for (char& c : s) c = kAminoAcids[g.below(20)];
  return s;
}

// A copy with `share` of its positions substituted and a few residues inserted and deleted.
std::string mutant(const std::string& s, double share, Generator& g) {
  std::string out;
  for (char c : s) {
    if (g.uniform() < 0.02) continue;  // deletion
    out += g.uniform() < share ? kAminoAcids[g.below(20)] : c;
    if (g.uniform() < 0.02) out += kAminoAcids[g.below(20)];  // insertion
  }
  return out;
}

TEST(SequenceIdentity, IdenticalFragmentAndUnrelated) {
  Generator g(1);
  const std::string a = random_sequence(200, g);
  EXPECT_DOUBLE_EQ(sequence_identity(a, a), 1.0);
  // a domain cut from a longer chain: end gaps are free, identity over the shorter one
  EXPECT_DOUBLE_EQ(sequence_identity(a.substr(50, 80), a), 1.0);
  const std::string b = random_sequence(200, g);
  EXPECT_LT(sequence_identity(a, b), 0.25);
  EXPECT_EQ(sequence_identity(a, b), sequence_identity(b, a));
  // one residue in five substituted (some by the same letter): about 80 % identical
  const double m = sequence_identity(mutant(a, 0.2, g), a);
  EXPECT_GT(m, 0.75);
  EXPECT_LT(m, 0.9);
  EXPECT_DOUBLE_EQ(sequence_identity("", a), 0.0);
}

TEST(IdentityClusters, FamiliesClusterAndUnrelatedChainsStayApart) {
  Generator g(2);
  const std::string f1 = random_sequence(150, g), f2 = random_sequence(120, g);
  const std::vector<std::string> s = {f1, mutant(f1, 0.3, g), f2, mutant(f2, 0.1, g), random_sequence(90, g)};
  const std::vector<int> c = identity_clusters(s, 0.4);
  EXPECT_EQ(c[0], c[1]);
  EXPECT_EQ(c[2], c[3]);
  EXPECT_NE(c[0], c[2]);
  EXPECT_NE(c[4], c[0]);
  EXPECT_NE(c[4], c[2]);
}

TEST(IdentitySplit, NoTestChainAboveFortyPercentToAnyTrainingChain) {
  // Families whose members drift from 10 to 70 % substitutions from their ancestor: chains of one
  // family straddle 40 %, which is what single linkage must not cut through.
  Generator g(3);
  std::vector<std::string> s;
  for (int family = 0; family < 12; ++family) {
    const std::string ancestor = random_sequence(60 + g.below(80), g);
    const int members = 1 + static_cast<int>(g.below(5));
    for (int m = 0; m < members; ++m) s.push_back(mutant(ancestor, 0.1 + 0.15 * m, g));
  }
  const std::vector<int> clusters = identity_clusters(s, 0.4);
  const std::vector<Split> split = assign_splits(clusters, {0.6, 0.2, 0.2}, 11);
  int counts[3] = {0, 0, 0};
  for (size_t i = 0; i < s.size(); ++i) {
    ++counts[split[i]];
    for (size_t j = 0; j < s.size(); ++j) {
      if (clusters[i] == clusters[j]) {
        EXPECT_EQ(split[i], split[j]);
      }
      if (split[i] != kTrain && split[j] == kTrain) {
        EXPECT_LE(sequence_identity(s[i], s[j]), 0.4) << i << " vs " << j;
      }
    }
  }
  for (int k = 0; k < 3; ++k) EXPECT_GT(counts[k], 0) << "split " << k << " is empty";
  EXPECT_EQ(assign_splits(clusters, {0.6, 0.2, 0.2}, 11), split) << "a seeded draw";
  EXPECT_NE(assign_splits(clusters, {0.6, 0.2, 0.2}, 12), split);
}

}  // namespace
}  // namespace tessera::protein
