// Checkpoints through the executable: exact resume in a fresh process, and every kind of bad
// checkpoint answered with one line and exit code 2.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <vector>

#include "core/io/checkpoint.h"
#include "tests/support/checkpoint_tensors.h"
#include "tests/support/command.h"
#include "tests/support/one_line_error.h"
#include "tests/support/scratch_dir.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using test_support::CommandResult;
using test_support::one_line_error;
using test_support::raw_tensors;
using test_support::run_tessera;

class CheckpointCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_.emplace();
    dir_ = scratch_->path();
    // A small corpus of our own, so the test needs nothing from the machine.
    std::ofstream corpus(dir_ / "corpus.txt");
    for (int i = 0; i < 400; ++i)
      corpus << "Line " << i << ": the quick brown fox jumps over the lazy dog " << (i * 7919 % 104729) << ".\n";
  }
  static void TearDownTestSuite() { scratch_.reset(); }

  static std::string path(const std::string& name) { return (dir_ / name).string(); }
  // Trains the tiny benchmark model; extra flags select the steps, resume and save paths.
  static CommandResult train(const std::string& flags) {
    return run_tessera("bench gpt --config tiny --threads 2 --warmup 0 --infer-steps 1 --val-batches 1 --data " +
                       path("corpus.txt") + " " + flags);
  }

  static inline std::optional<test_support::ScratchDir> scratch_;
  static inline fs::path dir_;
};

TEST_F(CheckpointCli, ResumeInFreshProcessIsBitIdentical) {
  ASSERT_EQ(train("--train-steps 6 --save " + path("straight.h5")).exit_code, 0);
  ASSERT_EQ(train("--train-steps 3 --save " + path("half.h5")).exit_code, 0);
  const CommandResult resumed = train("--train-steps 3 --resume " + path("half.h5") + " --save " + path("resumed.h5"));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;

  const auto straight = raw_tensors(path("straight.h5")), continued = raw_tensors(path("resumed.h5"));
  ASSERT_EQ(straight.size(), continued.size());
  for (const auto& [name, bytes] : straight) {
    ASSERT_TRUE(continued.count(name)) << name;
    EXPECT_TRUE(bytes == continued.at(name)) << name << " differs after resume";
  }
  const io::CheckpointMeta a = io::read_checkpoint_meta(path("straight.h5"));
  const io::CheckpointMeta b = io::read_checkpoint_meta(path("resumed.h5"));
  EXPECT_EQ(a.step, 6);
  EXPECT_EQ(b.step, 6);
  EXPECT_EQ(a.rng.at("data").counter(), b.rng.at("data").counter());
}

TEST_F(CheckpointCli, InfoDescribesCheckpoint) {
  ASSERT_EQ(train("--train-steps 1 --save " + path("info.h5")).exit_code, 0);
  const CommandResult r = run_tessera("info --checkpoint " + path("info.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"architecture\": \"text/language_model\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"parameters\": 842496"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"step\": 1"), std::string::npos) << r.out;
}

TEST_F(CheckpointCli, MissingFile) {
  EXPECT_TRUE(one_line_error(run_tessera("info --checkpoint " + path("nowhere.h5")), 2, "no such file"));
  EXPECT_TRUE(one_line_error(train("--train-steps 1 --resume " + path("nowhere.h5")), 2, "no such file"));
}

TEST_F(CheckpointCli, NotHdf5) {
  EXPECT_TRUE(one_line_error(run_tessera("info --checkpoint " + path("corpus.txt")), 2, "not an HDF5 checkpoint"));
}

TEST_F(CheckpointCli, TruncatedFile) {
  ASSERT_EQ(train("--train-steps 1 --save " + path("whole.h5")).exit_code, 0);
  fs::copy_file(path("whole.h5"), path("truncated.h5"), fs::copy_options::overwrite_existing);
  fs::resize_file(path("truncated.h5"), fs::file_size(path("whole.h5")) / 2);
  const CommandResult r = train("--train-steps 1 --resume " + path("truncated.h5") + " --save " + path("out.h5"));
  EXPECT_TRUE(one_line_error(r, 2, path("truncated.h5")));
  EXPECT_FALSE(fs::exists(path("out.h5"))) << "no output may be written after a failed load";
}

TEST_F(CheckpointCli, CorruptedTensorBytes) {
  ASSERT_EQ(train("--train-steps 1 --save " + path("good.h5")).exit_code, 0);
  fs::copy_file(path("good.h5"), path("corrupt.h5"), fs::copy_options::overwrite_existing);
  {
    // Tensor data fills most of the file: flip bytes in its middle.
    std::fstream f(path("corrupt.h5"), std::ios::in | std::ios::out | std::ios::binary);
    const auto size = fs::file_size(path("corrupt.h5"));
    for (int i = 0; i < 16; ++i) {
      f.seekp(static_cast<std::streamoff>(size / 2 + i * 97));
      f.put(static_cast<char>(0x5a ^ i));
    }
  }
  EXPECT_TRUE(one_line_error(train("--train-steps 1 --resume " + path("corrupt.h5")), 2, "checksum mismatch"));
}

TEST_F(CheckpointCli, OtherArchitecture) {
  io::CheckpointMeta meta;
  meta.architecture = "weather/forecaster";
  io::save_checkpoint(path("weather.h5"), {{"head/weight", Tensor::zeros({4, 4})}}, meta);
  EXPECT_TRUE(one_line_error(train("--train-steps 1 --resume " + path("weather.h5")), 2,
                             "holds a 'weather/forecaster' model, expected 'text/language_model'"));
}

TEST_F(CheckpointCli, SameArchitectureOtherShapes) {
  io::CheckpointMeta meta;
  meta.architecture = "text/language_model";
  io::save_checkpoint(path("resized.h5"), {{"token_embedding/weight", Tensor::zeros({512, 128})}}, meta);
  EXPECT_TRUE(one_line_error(train("--train-steps 1 --resume " + path("resized.h5")), 2,
                             "'token_embedding/weight' is [512,128] f32 in the file but [256,128] f32 in the model"));
}

}  // namespace
}  // namespace tessera
