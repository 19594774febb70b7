// Data-parallel training through `mpirun -np 2 tessera train`: the same parameters as one rank
// drawing the same global batch, ZeRO-1 equal to plain data parallel, a 2-rank checkpoint resumed
// on 1 rank continuing identically, and a killed rank ending the job with the checkpoint intact.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "core/io/checkpoint.h"
#include "tests/support/checkpoint_tensors.h"
#include "tests/support/command.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"
#include "tests/support/tiny_molecules.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using test_support::CommandResult;
using test_support::raw_tensors;
using test_support::run_shell;
using test_support::slurp;

std::string mpirun(int ranks) {
  // As root OpenMPI refuses to start without --allow-run-as-root; --oversubscribe lets 2 ranks
  // share fewer cores; yielding when idle keeps waiting ranks off the cores that compute.
  return "env OMPI_MCA_mpi_yield_when_idle=1 mpirun --oversubscribe " +
         std::string(::geteuid() == 0 ? "--allow-run-as-root " : "") + "-np " + std::to_string(ranks) + " ";
}

class DistCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_.emplace();
    dir_ = scratch_->path();
    std::ofstream corpus(dir_ / "corpus.txt");
    for (int i = 0; i < 400; ++i)
      corpus << "Line " << i << ": the quick brown fox jumps over the lazy dog " << (i * 7919 % 104729) << ".\n";
  }
  static void TearDownTestSuite() { scratch_.reset(); }

  static std::string run_dir(const std::string& name) { return (dir_ / name).string(); }
  static std::string checkpoint(const std::string& name) { return run_dir(name) + "/checkpoints/last.h5"; }
  // `tessera train` on the tiny text config, launched on `ranks` ranks (0: without mpirun).
  static std::string train_command(int ranks, const std::string& run, const std::string& flags) {
    return (ranks > 0 ? mpirun(ranks) : std::string()) + TESSERA_BINARY + " train --config " TESSERA_SOURCE_DIR
           "/tests/configs/text-tiny.yaml --run-dir " + run_dir(run) + " --set data.path=" + (dir_ / "corpus.txt").string() +
           " --set training.threads=1 --set training.eval_every=0 " + flags;
  }
  static void train(int ranks, const std::string& run, const std::string& flags) {
    const CommandResult r = run_shell(train_command(ranks, run, flags));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // Every tensor of two checkpoints (parameters and AdamW moments) agrees to fp32 round-off,
  // as amplified by a few AdamW steps: far below the learning rate (3e-3), the size of one update.
  static void expect_same_tensors(const std::string& a_file, const std::string& b_file) {
    const auto a = raw_tensors(a_file), b = raw_tensors(b_file);
    ASSERT_EQ(a.size(), b.size());
    for (const auto& [name, bytes] : a) {
      ASSERT_TRUE(b.count(name)) << name;
      ASSERT_EQ(bytes.size(), b.at(name).size()) << name;
      const size_t n = bytes.size() / sizeof(float);
      const float* x = reinterpret_cast<const float*>(bytes.data());
      const float* y = reinterpret_cast<const float*>(b.at(name).data());
      double worst = 0;
      for (size_t i = 0; i < n; ++i)
        worst = std::max(worst, std::abs(double(x[i]) - y[i]) / (1.0 + std::abs(double(x[i]))));
      EXPECT_LT(worst, 2e-5) << name << ": largest difference " << worst;
    }
    EXPECT_EQ(io::read_checkpoint_meta(a_file).step, io::read_checkpoint_meta(b_file).step);
  }

  static inline std::optional<test_support::ScratchDir> scratch_;
  static inline fs::path dir_;
};

TEST_F(DistCli, TwoRanksMatchOneRankWithTheSameGlobalBatch) {
  // Global batch 2 x 4 samples: one micro-batch on each of 2 ranks, or both on one rank.
  const std::string steps = "--set training.max_steps=5 --set training.grad_accumulation=2";
  train(0, "one_rank", steps);
  train(2, "two_ranks", steps);
  expect_same_tensors(checkpoint("one_rank"), checkpoint("two_ranks"));
  // The test can fail: another data order gives other parameters.
  train(2, "other_seed", steps + " --set training.seed=8");
  EXPECT_NE(raw_tensors(checkpoint("one_rank")), raw_tensors(checkpoint("other_seed")));
}

TEST_F(DistCli, ZeroOneMatchesPlainDataParallel) {
  // A small bucket size makes several buckets, so shards cut through parameters.
  const std::string steps = "--set training.max_steps=5 --set training.grad_accumulation=2 --set training.bucket_mb=0.01";
  train(2, "plain", steps);
  train(2, "zero", steps + " --set training.zero=1");
  expect_same_tensors(checkpoint("plain"), checkpoint("zero"));
}

TEST_F(DistCli, SavedOnTwoRanksResumesOnOne) {
  const std::string flags = "--set training.max_steps=6 --set training.grad_accumulation=2 --set training.zero=1 "
                            "--set training.bucket_mb=0.01";
  train(2, "straight", flags);
  train(2, "split", flags + " --max-steps 3");
  ASSERT_EQ(io::read_checkpoint_meta(checkpoint("split")).step, 3);
  train(0, "split", flags + " --resume");
  expect_same_tensors(checkpoint("straight"), checkpoint("split"));
}

TEST_F(DistCli, MultiDomainTwoRanksMatchOneRank) {
  // Each micro-batch comes from one part, so a rank's step leaves some heads unreached: they get
  // zero gradients on one rank as on two, and the runs agree.
  std::ofstream(dir_ / "molecules.csv") << test_support::tiny_molecules_csv();
  std::ofstream(dir_ / "multi.yaml")
      << "task: multi\nparts:\n"
         "  text: {task: text/language_model, data: {path: " << (dir_ / "corpus.txt").string() << ", batch_size: 4},\n"
         "         model: {context: 32, d_model: 16, n_layer: 1, n_head: 2}}\n"
         "  molecule: {task: molecule/property, data: {path: " << (dir_ / "molecules.csv").string()
      << ", smiles_column: smiles, id_column: name, targets: [y], batch_size: 8},\n"
         "             model: {d_model: 16, n_layer: 1, n_head: 2, max_atoms: 32}}\n"
         "training: {max_steps: 4, grad_accumulation: 2, lr: 1.0e-3, eval_batches: 1, threads: 1, seed: 5}\n";
  const std::string parts = " --config " + (dir_ / "multi.yaml").string();
  auto multi = [&](int ranks, const std::string& run) {
    const CommandResult r = run_shell((ranks ? mpirun(ranks) : std::string()) + TESSERA_BINARY " train --no-carbon" + parts +
                                      " --run-dir " + run_dir(run));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  };
  multi(0, "multi_one");
  multi(2, "multi_two");
  expect_same_tensors(checkpoint("multi_one"), checkpoint("multi_two"));
}

TEST_F(DistCli, GradAccumulationNotAMultipleOfRanksIsRefused) {
  const CommandResult r = run_shell(train_command(2, "refused", "--set training.grad_accumulation=3"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("tessera: error: training.grad_accumulation (3"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(checkpoint("refused")));
}

// The pids of the processes whose parent is `parent` and whose environment says OpenMPI rank `rank`.
pid_t child_with_rank(pid_t parent, int rank) {
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string pid, comm, state;
    pid_t ppid = 0;
    if (!(stat >> pid >> comm >> state >> ppid) || ppid != parent) continue;
    const std::string environ = slurp(entry.path() / "environ");
    if (environ.find(std::string("OMPI_COMM_WORLD_RANK=") + std::to_string(rank) + '\0') != std::string::npos)
      return std::stoi(name);
  }
  return 0;
}

// Ends the job if a failed assertion leaves it running: SIGTERM lets mpirun stop its ranks.
class JobGuard {
 public:
  explicit JobGuard(pid_t launcher) : launcher_(launcher) {}
  ~JobGuard() {
    if (::waitpid(launcher_, nullptr, WNOHANG) != 0) return;
    ::kill(launcher_, SIGTERM);
    for (int i = 0; i < 100 && ::waitpid(launcher_, nullptr, WNOHANG) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ::kill(launcher_, SIGKILL);
    ::waitpid(launcher_, nullptr, 0);
  }
  JobGuard(const JobGuard&) = delete;
  JobGuard& operator=(const JobGuard&) = delete;

 private:
  pid_t launcher_;
};

TEST_F(DistCli, KilledRankEndsTheJobAndLeavesTheCheckpointIntact) {
  const fs::path err = dir_ / "killed.err";
  const std::string command = "exec " + train_command(2, "killed", "--set training.max_steps=100000 --set "
                                                                    "training.grad_accumulation=2 --set training.checkpoint_every=2") +
                              " >/dev/null 2>" + err.string();
  const pid_t launcher = ::fork();
  ASSERT_GE(launcher, 0);
  if (launcher == 0) {
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  JobGuard guard(launcher);
  using clock = std::chrono::steady_clock;
  auto deadline = clock::now() + std::chrono::seconds(30);
  while (!fs::exists(checkpoint("killed")) && clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(fs::exists(checkpoint("killed"))) << slurp(err);
  const pid_t victim = child_with_rank(launcher, 1);
  ASSERT_GT(victim, 0) << "no rank 1 under mpirun (pid " << launcher << ")";
  ASSERT_EQ(::kill(victim, SIGKILL), 0);

  const auto killed_at = clock::now();
  int status = 0;
  pid_t done = 0;
  while ((done = ::waitpid(launcher, &status, WNOHANG)) == 0 && clock::now() - killed_at < std::chrono::seconds(60))
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_NE(done, 0) << "the job was still running 60 s after rank 1 was killed";
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0) << "status " << status;
  const std::string said = slurp(err);
  EXPECT_NE(said.find("rank 1"), std::string::npos) << said;

  // The last checkpoint is whole: it loads, and it was taken at a checkpoint step.
  const io::CheckpointMeta meta = io::read_checkpoint_meta(checkpoint("killed"));
  EXPECT_GE(meta.step, 2);
  EXPECT_EQ(meta.step % 2, 0);
  EXPECT_FALSE(raw_tensors(checkpoint("killed")).empty());
}

// Fine-tuning gives the optimizer only what trains (training/finetune.h): ZeRO-1 over 2 ranks
// shards that list and must still match one rank, moments included.
TEST_F(DistCli, FrozenAndLoraFineTuningOnTwoRanksMatchOneRank) {
  train(0, "ft-base", "--max-steps 4");
  for (const std::string mode : {"frozen", "lora"}) {
    const std::string flags = "--init-from " + checkpoint("ft-base") + " --set finetune.mode=" + mode +
                              " --set training.grad_accumulation=2 --max-steps 4";
    train(0, "ft-one-" + mode, flags);
    train(2, "ft-zero-" + mode, flags + " --set training.zero=1");
    expect_same_tensors(checkpoint("ft-one-" + mode), checkpoint("ft-zero-" + mode));
  }
}

}  // namespace
}  // namespace tessera
