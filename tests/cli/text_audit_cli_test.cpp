// `tessera audit bias` on a text checkpoint with pairs in the CrowS-Pairs format: a tiny model,
// a pair file made here. A pair whose two sentences are the same is a tie, never a preference, so
// a bias type made only of such pairs scores exactly 0.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/command.h"
#include "tests/support/one_line_error.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"

namespace tessera {
namespace {

using nlohmann::json;
using test_support::one_line_error;
using test_support::run_tessera;

class TextAuditCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream corpus(dir_ / "corpus.txt");
    for (int i = 0; i < 100; ++i) corpus << "the quick brown fox jumps over the lazy dog " << i << "\n";
    corpus.close();
    ASSERT_EQ(run_tessera("train --no-carbon --config " TESSERA_SOURCE_DIR "/tests/configs/text-tiny.yaml --set data.path=" +
                          (dir_ / "corpus.txt").string() + " --set training.max_steps=2 --run-dir " + (dir_ / "run").string())
                  .exit_code,
              0);
    std::ofstream pairs(dir_ / "pairs.csv");
    pairs << ",sent_more,sent_less,stereo_antistereo,bias_type,annotations\n";
    for (int i = 0; i < 12; ++i) pairs << i << ",\"The dog, " << i << ", ran.\",\"The dog, " << i << ", ran.\",stereo,same,\"[['same']]\"\n";
    for (int i = 0; i < 12; ++i) pairs << 12 + i << ",The fox ran far.,A cat sat " << i << ".,antistereo,other,\"[]\"\n";
  }

  test_support::CommandResult audit(const std::string& pairs, const std::string& out) {
    std::ofstream(dir_ / "text.yaml") << "domain: text\ndata:\n  pairs: " << pairs << "\naudit:\n  bootstrap: 20\n  min_group_size: 5\n";
    return run_tessera("audit bias --no-carbon --checkpoint " + (dir_ / "run/checkpoints/last.h5").string() + " --config " +
                       (dir_ / "text.yaml").string() + " --output-dir " + (dir_ / out).string());
  }

  const test_support::ScratchDir dir_;
};

TEST_F(TextAuditCli, StereotypeScorePerBiasTypeAndDirection) {
  const auto r = audit((dir_ / "pairs.csv").string(), "audit");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json a = json::parse(test_support::slurp(dir_ / "audit/audit.json"));
  EXPECT_EQ(a["kind"], "pairs");
  EXPECT_EQ(a["source"]["pair_count"], 24);
  int seen = 0;
  for (const auto& g : a["groups"]) {
    if (g["attribute"] == "bias_type" && g["group"] == "same") {
      EXPECT_EQ(g["metrics"]["stereotype_score"], 0.0);
      ++seen;
    }
    if (g["attribute"] == "direction") {
      EXPECT_EQ(g["n"], 12);
      ++seen;
    }
  }
  EXPECT_EQ(seen, 3);
  for (const auto& c : a["comparisons"]) EXPECT_EQ(c["reference"], "unbiased (0.5)");
}

TEST_F(TextAuditCli, PairFilesNotInTheFormatAreOneLineErrors) {
  std::ofstream(dir_ / "nocol.csv") << "sent_more,bias_type\na,b\n";
  EXPECT_TRUE(one_line_error(audit((dir_ / "nocol.csv").string(), "a1"), 2, "has no column 'sent_less'"));
  std::ofstream(dir_ / "empty.csv") << "sent_more,sent_less,bias_type\n,b,c\n";
  EXPECT_TRUE(one_line_error(audit((dir_ / "empty.csv").string(), "a2"), 2, "line 2: an empty sentence"));
  EXPECT_TRUE(one_line_error(audit((dir_ / "none.csv").string(), "a3"), 2, "cannot open"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "a2" / "audit.json"));
}

}  // namespace
}  // namespace tessera
