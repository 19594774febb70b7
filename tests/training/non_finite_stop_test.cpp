// A NaN or infinite gradient stops the step before the update: the error names the step and the
// first parameter whose gradient went bad, and the parameters keep their last values (so the run's
// last checkpoint, written before, stays the last good state). With and without ZeRO-1 sharding;
// and through the executable, a NaN loss.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <ostream>

#include "core/dist/communicator.h"
#include "core/io/checkpoint.h"
#include "core/ops/ops.h"
#include "core/util/error.h"
#include "tests/support/command.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"
#include "training/data_parallel.h"

namespace tessera {
namespace {

struct BadGradient {
  float value;
  const char* word;
  bool sharded;
};

void PrintTo(const BadGradient& b, std::ostream* os) { *os << b.word << (b.sharded ? ", sharded" : ""); }

class NonFiniteGradient : public ::testing::TestWithParam<BadGradient> {};

TEST_P(NonFiniteGradient, StopsBeforeTheUpdateNamingStepAndParameter) {
  Tensor a = Tensor::full({3}, 1.0).set_requires_grad(true), b = Tensor::full({4}, 2.0).set_requires_grad(true);
  training::DataParallelConfig config;
  config.shard_optimizer = GetParam().sharded;
  training::DataParallelOptimizer opt(dist::world(), {{"encoder.a", a}, {"head.b", b}}, {}, config);

  auto take_step = [&](float bad) {
    opt.zero_grad();
    Tensor weights = Tensor::from_vector<float>({1, 2, bad, 4}, {4});
    opt.backward_and_reduce(ops::add(ops::sum(a), ops::sum(ops::mul(b, weights))));
    opt.finish_reduction();
    return opt.step(1e-3, 1.0);
  };
  EXPECT_TRUE(std::isfinite(take_step(3.0f)));
  const auto a_before = a.to_doubles(), b_before = b.to_doubles();
  try {
    take_step(GetParam().value);
    FAIL() << "a " << GetParam().word << " gradient was applied";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(std::string("a gradient became non-finite at step 2: the gradient of head.b holds ") +
                                              GetParam().word, 0), 0u)
        << e.what();
  }
  EXPECT_EQ(a.to_doubles(), a_before);
  EXPECT_EQ(b.to_doubles(), b_before);
  EXPECT_EQ(opt.steps(), 1);
}

INSTANTIATE_TEST_SUITE_P(Values, NonFiniteGradient,
                         ::testing::Values(BadGradient{std::numeric_limits<float>::quiet_NaN(), "NaN", false},
                                           BadGradient{std::numeric_limits<float>::infinity(), "an infinite value", false},
                                           BadGradient{std::numeric_limits<float>::quiet_NaN(), "NaN", true}),
                         [](const auto& info) {
                           return std::string(std::isnan(info.param.value) ? "NaN" : "Inf") + (info.param.sharded ? "_sharded" : "");
                         });

// A run whose weights hold a NaN (here: a checkpoint written so, checksums intact) stops at its
// next step with one line naming the step and the parameter, and writes nothing over its last
// checkpoint. Text cannot be made to diverge from the config alone: its bounds keep it finite.
TEST(NonFiniteStop, ANanLossStopsNamingStepAndParameterAndKeepsTheCheckpoint) {
  const test_support::ScratchDir scratch;
  std::ofstream(scratch / "corpus.txt") << std::string(3000, 'a') + "bcdefgh ijklmnop\n";
  const std::filesystem::path run = scratch / "run";
  const std::string train = "train --config " TESSERA_SOURCE_DIR "/tests/configs/text-tiny.yaml --set data.path=" +
                            test_support::shell_quote((scratch / "corpus.txt").string()) +
                            " --set training.checkpoint_every=1 --set training.eval_every=0 --no-carbon --run-dir " +
                            test_support::shell_quote(run.string());
  const auto first = test_support::run_tessera(train + " --max-steps 3");
  ASSERT_EQ(first.exit_code, 0) << first.err;

  const std::string last = (run / "checkpoints" / "last.h5").string();
  nn::NamedTensors tensors;
  for (const io::StoredTensor& t : io::list_checkpoint_tensors(last)) tensors.emplace_back(t.name, Tensor::zeros(t.shape, t.dtype));
  const io::CheckpointMeta meta = io::load_checkpoint(last, tensors);
  const auto poisoned = std::find_if(tensors.begin(), tensors.end(), [](const auto& named) {
    return named.first.find("optimizer") == std::string::npos && named.first.find("weight") != std::string::npos;
  });
  ASSERT_NE(poisoned, tensors.end());
  poisoned->second.data<float>()[1] = std::numeric_limits<float>::quiet_NaN();
  io::save_checkpoint(last, tensors, meta);
  const std::string before = test_support::slurp(last);

  const auto resumed = test_support::run_tessera(train + " --resume");
  ASSERT_EQ(resumed.exit_code, 2) << resumed.err;
  const std::string last_line = resumed.err.substr(resumed.err.rfind('\n', resumed.err.size() - 2) + 1);
  EXPECT_EQ(last_line.rfind("tessera: error: training loss became nan at step 4: " + poisoned->first + " holds NaN (", 0), 0u)
      << resumed.err;
  EXPECT_TRUE(test_support::slurp(last) == before) << "the failed step wrote over the last checkpoint";
}

}  // namespace
}  // namespace tessera
