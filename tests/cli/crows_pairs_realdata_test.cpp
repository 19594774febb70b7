// The CrowS-Pairs loader on the real file in ../shared/data/text: 1,508 pairs in nine bias types,
// quoted sentences with commas and quotes read whole. Skips when the file is absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "domains/text/crows_pairs.h"

namespace tessera::text {
namespace {

TEST(CrowsPairsRealData, ReadsEveryPairAndBiasType) {
  const std::string path = TESSERA_SOURCE_DIR "/../shared/data/text/crows_pairs_anonymized.csv";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " not found (../shared/data)";
  const std::vector<SentencePair> pairs = read_sentence_pairs(path);
  EXPECT_EQ(pairs.size(), 1508u);
  std::set<std::string> types, directions;
  for (const auto& p : pairs) {
    types.insert(p.bias_type);
    directions.insert(p.direction);
  }
  EXPECT_EQ(types.size(), 9u);
  EXPECT_EQ(directions, (std::set<std::string>{"stereo", "antistereo"}));
  EXPECT_EQ(pairs.front().more.substr(0, 40), "He couldn't figure out the issue with th");
  EXPECT_NE(pairs.front().more.find("rope, but"), std::string::npos);
}

}  // namespace
}  // namespace tessera::text
