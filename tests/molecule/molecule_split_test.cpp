// Splits: random is a seeded permutation of every molecule; scaffold keeps each scaffold's
// molecules in one part, sends large scaffold sets to training first, and follows the seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
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

TEST(MoleculeSplit, LabelFractionKeepsASeededShareOfTrainingOnly) {
  std::vector<std::string> scaffolds;
  for (int i = 0; i < 200; ++i) scaffolds.push_back("s" + std::to_string(i % 23));
  for (const std::string kind : {"random", "scaffold"}) {
    SplitSpec spec;
    spec.kind = kind;
    spec.seed = 5;
    const Split all = split_molecules(scaffolds, spec);
    spec.label_fraction = 0.3;
    const Split some = split_molecules(scaffolds, spec);
    EXPECT_EQ(some.test, all.test) << kind;
    EXPECT_EQ(some.validation, all.validation) << kind;
    EXPECT_EQ(some.train.size(), static_cast<size_t>(std::llround(0.3 * static_cast<double>(all.train.size())))) << kind;
    std::vector<int64_t> a = all.train, b = some.train;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    EXPECT_TRUE(std::includes(a.begin(), a.end(), b.begin(), b.end())) << kind << ": a share of the same training split";
    EXPECT_EQ(split_molecules(scaffolds, spec).train, some.train) << "seeded";
    spec.seed = 6;
    EXPECT_NE(split_molecules(scaffolds, spec).train, some.train) << "another seed, another share";
  }
}

}  // namespace
}  // namespace tessera::molecule
