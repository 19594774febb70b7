// ESOL from ../shared/data: a shortened esol.yaml run (1,000 steps), then eval on its random test
// split; the model must beat the mean predictor and stay near the ridge baselines. Skips without the data.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/support/command.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"

namespace tessera::test_support {
namespace {

TEST(MoleculeRealdata, EsolRandomSplitBeatsTheMeanPredictor) {
  const std::string data = TESSERA_SOURCE_DIR "/../shared/data/molecules/esol_delaney-processed.csv";
  if (!std::filesystem::exists(data)) GTEST_SKIP() << "no " << data;
  ScratchDir dir;
  const auto train = run_tessera("train --config " TESSERA_SOURCE_DIR "/configs/molecule/esol.yaml --no-carbon --run-dir " +
                                 dir.str() + "/run --set data.path=" + data + " --set training.max_steps=1000");
  ASSERT_EQ(train.exit_code, 0) << train.err;
  const std::string json = dir.str() + "/scores.json";
  const auto eval = run_tessera("eval molecule --no-carbon --checkpoint " + dir.str() + "/run/checkpoints/last.h5 --input " +
                                data + " --json " + json);
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  const nlohmann::json j = nlohmann::json::parse(slurp(json));
  const double model = j["model"]["rmse"], mean = j["baselines"]["mean"]["rmse"];
  EXPECT_EQ(j["test_molecules"], 114);
  EXPECT_LT(model, 0.6 * mean) << eval.err;
  EXPECT_LT(model, 1.0) << eval.err;
}

}  // namespace
}  // namespace tessera::test_support
