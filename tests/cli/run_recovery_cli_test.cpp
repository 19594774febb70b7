// What a run leaves behind when it is killed (kill -9, power loss) and what --resume makes of it,
// through the executable: the metrics log continues from the checkpoint's step without repeating
// steps, temporaries of dead writers are removed, a run directory written by an older tessera
// resumes, and a checkpoint onto a full disk is one error line.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "core/io/checkpoint.h"
#include "tests/support/command.h"
#include "tests/support/one_line_error.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"
#include "tests/support/small_disk.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using test_support::CommandResult;
using test_support::dead_pid;
using test_support::one_line_error;
using test_support::run_tessera;
using test_support::shell_quote;
using test_support::slurp;

std::vector<json> metrics_lines(const fs::path& run) {
  std::vector<json> lines;
  std::istringstream in(slurp(run / "metrics.jsonl"));
  for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
  return lines;
}

class RunRecoveryCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream corpus(scratch_ / "corpus.txt");
    for (int i = 0; i < 300; ++i) corpus << "Line " << i << ": the quick brown fox jumps over the lazy dog.\n";
  }
  std::string path(const std::string& name) const { return (scratch_ / name).string(); }
  CommandResult train(const std::string& run, const std::string& flags) const {
    return run_tessera("train --config " TESSERA_SOURCE_DIR "/tests/configs/text-tiny.yaml --set data.path=" +
                       shell_quote(path("corpus.txt")) + " --set training.eval_every=0 --run-dir " + shell_quote(run) +
                       " " + flags);
  }
  // A run stopped at step 6 with a checkpoint there, then "killed" on: the log runs on to step 9
  // and ends in a line cut short, and the checkpoint's and config's temporaries stay behind.
  std::string killed_run() const {
    const std::string run = path("run");
    const CommandResult r = train(run, "--max-steps 6");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::ofstream log(run + "/metrics.jsonl", std::ios::app);
    for (int step = 7; step <= 9; ++step) log << json{{"step", step}, {"loss", 9.0}}.dump() << "\n";
    log << "{\"step\": 10, \"lo";
    log.close();
    std::ofstream(run + "/checkpoints/last.h5.tmp-" + std::to_string(dead_pid())) << "half a checkpoint";
    std::ofstream(run + "/config.yaml.tmp-" + std::to_string(dead_pid())) << "half a config";
    return run;
  }

  test_support::ScratchDir scratch_;
};

TEST_F(RunRecoveryCli, ResumeContinuesTheLogFromTheCheckpointStep) {
  const std::string run = killed_run();
  const CommandResult r = train(run, "--resume --max-steps 12");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<int64_t> steps;
  for (const json& j : metrics_lines(run))
    if (j.contains("loss")) steps.push_back(j["step"].get<int64_t>());
  const std::vector<int64_t> expected = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  EXPECT_EQ(steps, expected) << "each step is logged once, the killed run's steps after its checkpoint are dropped";
  for (const json& j : metrics_lines(run)) {
    if (j.contains("loss")) {
      EXPECT_NE(j["loss"].get<double>(), 9.0) << "a line of the killed run survived";
    }
  }
}

TEST_F(RunRecoveryCli, ResumeRemovesTemporariesOfDeadWriters) {
  const std::string run = killed_run();
  const std::string live = run + "/checkpoints/other.h5.tmp-" + std::to_string(getpid());
  std::ofstream(live) << "a live process is still writing this";
  ASSERT_EQ(train(run, "--resume --max-steps 8").exit_code, 0);
  std::set<std::string> left;
  for (const auto& folder : {fs::path(run), fs::path(run) / "checkpoints"})
    for (const auto& entry : fs::directory_iterator(folder))
      if (entry.path().filename().string().find(".tmp-") != std::string::npos) left.insert(entry.path().string());
  EXPECT_EQ(left, std::set<std::string>{live}) << "only the live writer's temporary may stay";
}

TEST_F(RunRecoveryCli, OlderRunDirectoryWithoutNewerKeysResumes) {
  const std::string run = path("run");
  ASSERT_EQ(train(run, "--max-steps 4").exit_code, 0);
  // An older tessera did not write model.vocab_size (its default, 0: the tokenizer's size).
  std::string config = slurp(run + "/config.yaml");
  const size_t at = config.find("  vocab_size: 0\n");
  ASSERT_NE(at, std::string::npos) << config;
  config.erase(at, std::string("  vocab_size: 0\n").size());
  std::ofstream(run + "/config.yaml") << config;
  const CommandResult r = train(run, "--resume --max-steps 6");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(RunRecoveryCli, ResumeWithAChangedValueIsStillRefused) {
  const std::string run = path("run");
  ASSERT_EQ(train(run, "--max-steps 4").exit_code, 0);
  EXPECT_TRUE(one_line_error(train(run, "--resume --set training.lr=0.5"), 2, "the config differs"));
}

TEST_F(RunRecoveryCli, MaxStepsZeroIsRefused) {
  EXPECT_TRUE(one_line_error(train(path("run"), "--max-steps 0"), 2, "--max-steps"));
  EXPECT_FALSE(fs::exists(path("run/checkpoints/last.h5")));
}

TEST_F(RunRecoveryCli, ResumeWithNothingLeftToTrainReportsNoLoss) {
  const std::string run = path("run");
  ASSERT_EQ(train(run, "--max-steps 4").exit_code, 0);
  const CommandResult r = train(run, "--resume --max-steps 4");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["step"], 4);
  EXPECT_FALSE(j.contains("loss")) << "no step was taken, so there is no loss to report: " << r.out;
}

// A checkpoint larger than the disk: the failure comes while the file is written, for every size.
class CheckpointFullDisk : public ::testing::TestWithParam<int> {};

TEST_P(CheckpointFullDisk, TrainSaysTheDiskIsFull) {
  test_support::ScratchDir scratch;
  std::ofstream(scratch / "corpus.txt") << std::string(4000, 'a');
  test_support::SmallDisk disk((scratch / "disk").string(), GetParam());
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN)";
  const CommandResult r = run_tessera("train --config " TESSERA_SOURCE_DIR "/tests/configs/text-tiny.yaml --set data.path=" +
                                      (scratch / "corpus.txt").string() + " --max-steps 2 --no-carbon --run-dir " +
                                      (scratch / "disk" / "run").string());
  // 139 was HDF5 crashing at exit on the file it could not close. Training reports its progress
  // on stderr, so the error is its last line.
  EXPECT_EQ(r.exit_code, 2) << r.err;
  const std::string last_line = r.err.substr(r.err.rfind('\n', r.err.size() - 2) + 1);
  EXPECT_EQ(last_line.rfind("tessera: error: ", 0), 0u) << r.err;
  EXPECT_NE(last_line.find("No space left on device"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(scratch / "disk" / "run" / "checkpoints" / "last.h5"));
  for (const auto& entry : fs::recursive_directory_iterator(scratch / "disk"))
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos) << entry.path() << " was left behind";
}

INSTANTIATE_TEST_SUITE_P(Kilobytes, CheckpointFullDisk, ::testing::Values(8, 64, 160));

class RunOnAFullDisk : public ::testing::Test {
 protected:
  void SetUp() override { std::ofstream(scratch_ / "corpus.txt") << std::string(4000, 'a') + "bcd efg\n"; }
  CommandResult train(const std::string& flags) const {
    return run_tessera("train --config " TESSERA_SOURCE_DIR "/tests/configs/text-tiny.yaml --set data.path=" +
                       (scratch_ / "corpus.txt").string() + " --no-carbon --set training.eval_every=0 --run-dir " +
                       (scratch_ / "disk" / "run").string() + " " + flags);
  }
  static std::string last_line(const std::string& err) { return err.substr(err.rfind('\n', err.size() - 2) + 1); }
  void expect_no_temporaries() const {
    for (const auto& entry : fs::recursive_directory_iterator(scratch_ / "disk"))
      EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos) << entry.path() << " was left behind";
  }
  test_support::ScratchDir scratch_;
};

// Room for one checkpoint (450 KB; writing one needs over 900 KB free, measured) but not for its
// replacement beside it: the resumed run fails
// with one line, and the checkpoint it resumed from is the same file, byte for byte.
TEST_F(RunOnAFullDisk, ACheckpointThatDoesNotFitKeepsThePreviousOne) {
  test_support::SmallDisk disk((scratch_ / "disk").string(), 1100);
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN)";
  ASSERT_EQ(train("--max-steps 2").exit_code, 0);
  const fs::path last = scratch_ / "disk" / "run" / "checkpoints" / "last.h5";
  const std::string before = slurp(last);
  const CommandResult r = train("--resume --max-steps 4");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(last_line(r.err).rfind("tessera: error: ", 0), 0u) << r.err;
  EXPECT_NE(last_line(r.err).find("No space left on device"), std::string::npos) << r.err;
  EXPECT_TRUE(slurp(last) == before) << "the previous checkpoint changed";
  EXPECT_EQ(io::read_checkpoint_meta(last.string()).step, 2);
  expect_no_temporaries();
}

// The metrics log fills the disk long before the run's only checkpoint is due: the run stops
// with one line instead of training on without its log.
TEST_F(RunOnAFullDisk, AMetricsLogThatDoesNotFitIsOneLine) {
  test_support::SmallDisk disk((scratch_ / "disk").string(), 16);
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN)";
  const CommandResult r = train("--set training.checkpoint_every=0 --set training.max_steps=2000");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(last_line(r.err), "tessera: error: " + (scratch_ / "disk" / "run" / "metrics.jsonl").string() +
                                  ": cannot write the metrics log: No space left on device\n")
      << r.err;
  expect_no_temporaries();
}

}  // namespace
}  // namespace tessera
