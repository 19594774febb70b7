// Splits: random is a seeded permutation of every molecule; scaffold keeps each scaffold's
// molecules in one part, sends large scaffold sets to training first, and follows the seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "domains/molecule/molecule_split.h"

namespace tessera::molecule {
namespace {

std::vector<int64_t> all_of(const Split& s) {
  std::vector<int64_t> v = s.train;
  v.insert(v.end(), s.validation.begin(), s.validation.end());
  v.insert(v.end(), s.test.begin(), s.test.end());
  std::sort(v.begin(), v.end());
  return v;
}

TEST(MoleculeSplit, RandomIsASeededPermutationWithTheFractions) {
  const std::vector<std::string> none(100);
  SplitSpec spec;
  spec.seed = 3;
  const Split a = split_molecules(none, spec), b = split_molecules(none, spec);
  EXPECT_EQ(a.train.size(), 80u);
  EXPECT_EQ(a.validation.size(), 10u);
  EXPECT_EQ(a.test.size(), 10u);
  EXPECT_EQ(a.test, b.test);
  std::vector<int64_t> expected(100);
  for (int64_t i = 0; i < 100; ++i) expected[static_cast<size_t>(i)] = i;
  EXPECT_EQ(all_of(a), expected);
  spec.seed = 4;
  EXPECT_NE(split_molecules(none, spec).test, a.test);
}

TEST(MoleculeSplit, ScaffoldSetsStayWholeAndLargeOnesTrain) {
  // 40 molecules on scaffold "big", then 30 scaffolds of 2 molecules each: 100 in all.
  std::vector<std::string> scaffolds(40, "big");
  for (int s = 0; s < 30; ++s) scaffolds.insert(scaffolds.end(), 2, "s" + std::to_string(s));
  SplitSpec spec;
  spec.kind = "scaffold";
  for (uint64_t seed : {0u, 1u, 2u}) {
    spec.seed = seed;
    const Split split = split_molecules(scaffolds, spec);
    EXPECT_EQ(all_of(split).size(), 100u);
    EXPECT_TRUE(std::count(split.train.begin(), split.train.end(), 0) == 1) << "the large set trains";
    std::map<std::string, std::set<int>> parts;
    for (int part = 0; part < 3; ++part)
      for (int64_t i : part == 0 ? split.train : part == 1 ? split.validation : split.test)
        parts[scaffolds[static_cast<size_t>(i)]].insert(part);
    for (const auto& [scaffold, in] : parts) EXPECT_EQ(in.size(), 1u) << scaffold << " is split";
    EXPECT_EQ(split.train.size(), 80u);
    EXPECT_EQ(split.validation.size(), 10u);
  }
}

}  // namespace
}  // namespace tessera::molecule
