// `tessera bench` refuses what cannot be measured before any work, with one line and exit 2: sizes
// whose bytes overflow, a device that is not there, a warm-up that leaves no timed step, and a
// --save path that is a device, a folder or one of the benchmark's own inputs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "tests/support/command.h"
#include "tests/support/one_line_error.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using test_support::CommandResult;
using test_support::one_line_error;
using test_support::run_tessera;
using test_support::shell_quote;

class BenchCli : public ::testing::Test {
 protected:
  void SetUp() override { std::ofstream(scratch_ / "corpus.txt") << std::string(20000, 'x'); }
  CommandResult gpt(const std::string& flags) const {
    return run_tessera("bench gpt --config tiny --threads 1 --infer-steps 1 --val-batches 1 --data " +
                       shell_quote((scratch_ / "corpus.txt").string()) + " " + flags);
  }
  test_support::ScratchDir scratch_;
};

TEST_F(BenchCli, AttentionSizesWhoseBytesOverflowAreRefused) {
  const CommandResult r =
      run_tessera("bench attention --device cpu --batch 4294967296 --heads 4294967296 --seq 4294967296 --head-dim 64");
  EXPECT_TRUE(one_line_error(r, 2, "too large"));
}

TEST_F(BenchCli, AttentionOnAMissingDeviceIsAUserError) {
  EXPECT_TRUE(one_line_error(run_tessera("bench attention --device cuda:7 --seq 16 --iters 1"), 2, "cuda:7"));
}

TEST_F(BenchCli, GptWarmupThatLeavesNoTimedStepIsRefused) {
  EXPECT_TRUE(one_line_error(gpt("--train-steps 2 --warmup 2"), 2, "--warmup"));
  EXPECT_TRUE(one_line_error(gpt("--train-steps 2 --warmup 5"), 2, "no training step would be timed"));
}

TEST_F(BenchCli, GptSaveNeverReplacesADeviceAFolderOrAnInput) {
  EXPECT_TRUE(one_line_error(gpt("--train-steps 2 --warmup 0 --save /dev/null"), 2, "/dev/null"));
  EXPECT_TRUE(one_line_error(gpt("--train-steps 2 --warmup 0 --save " + scratch_.str()), 2, scratch_.str()));
  const std::string corpus = (scratch_ / "corpus.txt").string();
  EXPECT_TRUE(one_line_error(gpt("--train-steps 2 --warmup 0 --save " + corpus), 2, "corpus.txt"));
  EXPECT_EQ(test_support::slurp(corpus), std::string(20000, 'x')) << "the input was overwritten";
}

// `tessera` spins briefly in OpenMP waits unless told otherwise (cli/openmp_waits.h): libgomp's
// long spins made training 10x slower beside other work. ctest sets a policy, so it is unset here.
TEST_F(BenchCli, GptRunsWithShortOpenMpSpinsUnlessTheUserChose) {
  const std::string args = "bench gpt --config tiny --threads 1 --train-steps 2 --warmup 1 --infer-steps 1 "
                           "--val-batches 1 --data " + shell_quote((scratch_ / "corpus.txt").string());
  for (const auto& [env, waits] :
       {std::pair<std::string, std::string>{"env -u OMP_WAIT_POLICY -u GOMP_SPINCOUNT", "GOMP_SPINCOUNT=10000"},
        {"env -u GOMP_SPINCOUNT OMP_WAIT_POLICY=active", "OMP_WAIT_POLICY=active"}}) {
    const CommandResult r = test_support::run_shell(env + " " + TESSERA_BINARY + " " + args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const nlohmann::json j = nlohmann::json::parse(r.out.substr(r.out.rfind('{')), nullptr, false);
    ASSERT_TRUE(j.is_object()) << r.out;
    EXPECT_EQ(j.value("openmp_waits", ""), waits) << env;
  }
}

}  // namespace
}  // namespace tessera
