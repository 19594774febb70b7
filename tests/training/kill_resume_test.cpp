// `tessera train` killed with SIGKILL at 20 moments (during start-up, between and inside steps, and
// while a checkpoint is being written) and resumed after each: checkpoints/last.h5 always loads and
// never goes back a step, and the run ends with exactly the parameters, optimizer moments and
// logged losses of a run that was never interrupted.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/io/checkpoint.h"
#include "tests/support/checkpoint_tensors.h"
#include "tests/support/command.h"
#include "tests/support/metrics_log.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using test_support::shell_quote;

constexpr int kKills = 20;
constexpr int64_t kSteps = 150;  // 20 kills advance at most 7 steps each

class KillResume : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream corpus(scratch_ / "corpus.txt");
    for (int i = 0; i < 400; ++i) corpus << "Line " << i << ": the quick brown fox jumps over the lazy dog.\n";
  }
  std::string train_args(const fs::path& run) const {
    return "train --config " TESSERA_SOURCE_DIR "/tests/configs/text-tiny.yaml --set data.path=" +
           shell_quote((scratch_ / "corpus.txt").string()) + " --set training.max_steps=" + std::to_string(kSteps) +
           " --set training.checkpoint_every=1 --set training.eval_every=40 --no-carbon --run-dir " +
           shell_quote(run.string());
  }
  // Every metrics line without its timings, which differ between runs.
  static std::vector<std::string> trajectory(const fs::path& run) {
    std::vector<std::string> rows;
    for (nlohmann::json j : test_support::read_metrics(run / "metrics.jsonl")) {
      j.erase("elapsed_s");
      j.erase("tokens_per_s");
      rows.push_back(j.dump());
    }
    return rows;
  }
  static bool writing_checkpoint(const fs::path& checkpoints) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(checkpoints, ec))
      if (entry.path().filename().string().find(".tmp-") != std::string::npos) return true;
    return false;
  }

  test_support::ScratchDir scratch_;
};

TEST_F(KillResume, TwentyKillsEndWithTheParametersOfAnUninterruptedRun) {
  const fs::path straight = scratch_ / "straight", run = scratch_ / "killed";
  const auto r = test_support::run_tessera(train_args(straight));
  ASSERT_EQ(r.exit_code, 0) << r.err;

  std::mt19937 rng(20261202);
  const fs::path last = run / "checkpoints" / "last.h5";
  int kills = 0, during_write = 0;
  int64_t saved_step = 0;
  while (kills < kKills) {
    const bool resume = fs::exists(last);
    const pid_t pid = test_support::spawn_tessera(train_args(run) + (resume ? " --resume" : ""), scratch_ / "out",
                                                  scratch_ / "err");
    ASSERT_GT(pid, 0);
    // Four kinds of moment, in turn: any time in the first 400 ms (start-up, reading, the first
    // steps); a random point up to 3 steps ahead, twice; the first checkpoint temporary seen. None
    // lets the log run more than 6 steps ahead, so the run never finishes between kills.
    const int kind = kills % 4;
    const auto started = Clock::now();
    const auto delay = std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 400)(rng));
    const int64_t target = test_support::progress_of(run / "metrics.jsonl") + std::uniform_int_distribution<int>(1, 3)(rng);
    const auto extra = std::chrono::microseconds(std::uniform_int_distribution<int>(0, 20000)(rng));
    int status = 0;
    bool ended = false;
    for (;;) {
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        ended = true;
        break;
      }
      ASSERT_LT(Clock::now() - started, std::chrono::seconds(120)) << "no progress: " << test_support::slurp(scratch_ / "err");
      if (kind == 0 && (Clock::now() - started >= delay || test_support::progress_of(run / "metrics.jsonl") >= target))
        break;
      if ((kind == 1 || kind == 2) && test_support::progress_of(run / "metrics.jsonl") >= target) {
        std::this_thread::sleep_for(extra);
        break;
      }
      if (kind == 3 && (writing_checkpoint(run / "checkpoints") ||
                        test_support::progress_of(run / "metrics.jsonl") >= target + 3))
        break;
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    ASSERT_FALSE(ended) << "the run ended by itself (exit " << test_support::exit_code_of(status) << ") after " << kills
                        << " kills: " << test_support::slurp(scratch_ / "err");
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    ++kills;
    during_write += fs::exists(last.string() + ".tmp-" + std::to_string(pid));

    if (!fs::exists(last)) continue;  // killed before its first checkpoint: the next run starts afresh
    io::CheckpointMeta meta;
    ASSERT_NO_THROW(meta = io::read_checkpoint_meta(last.string())) << "kill " << kills;
    EXPECT_FALSE(test_support::raw_tensors(last.string()).empty()) << "kill " << kills;
    EXPECT_GE(meta.step, saved_step) << "kill " << kills << ": the checkpoint went back";
    saved_step = meta.step;
  }
  std::cout << kills << " kills, " << during_write << " while a checkpoint was being written; last checkpoint at step "
            << saved_step << " of " << kSteps << "\n";
  EXPECT_GE(during_write, 1) << "no kill landed inside a checkpoint write";

  const auto finished = test_support::run_tessera(train_args(run) + " --resume");
  ASSERT_EQ(finished.exit_code, 0) << finished.err;
  EXPECT_EQ(io::read_checkpoint_meta(last.string()).step, kSteps);
  EXPECT_TRUE(test_support::raw_tensors(last.string()) == test_support::raw_tensors((straight / "checkpoints/last.h5").string()))
      << "parameters or optimizer moments differ from the uninterrupted run";
  EXPECT_EQ(trajectory(run), trajectory(straight));
}

}  // namespace
}  // namespace tessera
