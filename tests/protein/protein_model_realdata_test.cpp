// configs/protein/shared-structures.yaml on ../shared/data/protein as it stands (500 steps, about
// 1.5 minutes on 2 cores), then `eval protein --split test`: on chains at most 40 % identical to
// any training chain, the model must beat the separation-only baseline on the three metrics the
// protein issue names: long-range P@L/5, lDDT-C-alpha and TM-score. Skips without the data.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/support/command.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"

namespace tessera::test_support {
namespace {

TEST(ProteinRealdata, SharedStructuresBeatTheSeparationBaselineOnTestChains) {
  const std::string data = TESSERA_SOURCE_DIR "/../shared/data/protein";
  const std::string folders = data + "/theseus_trypsins " + data + "/theseus_ldh " + data + "/tcoffee_pdb";
  if (!std::filesystem::exists(data + "/theseus_ldh")) GTEST_SKIP() << "no " << data;
  ScratchDir dir;
  const auto train = run_tessera("train --config " TESSERA_SOURCE_DIR "/configs/protein/shared-structures.yaml --no-carbon "
                                 "--run-dir " + dir.str() + "/run --set 'data.path=[" + data + "/theseus_trypsins, " + data +
                                 "/theseus_ldh, " + data + "/tcoffee_pdb]'");
  ASSERT_EQ(train.exit_code, 0) << train.err;
  const std::string json = dir.str() + "/scores.json";
  const auto eval = run_tessera("eval protein --checkpoint " + dir.str() + "/run/checkpoints/last.h5 --input " +
                                folders + " --split test --json " + json);
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  const nlohmann::json j = nlohmann::json::parse(slurp(json));
  EXPECT_EQ(j["chains"], 17);
  const nlohmann::json& model = j["model"]["mean"];
  const nlohmann::json& baseline = j["baseline"]["mean"];
  const double model_p = model["contact_precision"]["long"]["p_at_l5"], baseline_p = baseline["contact_precision"]["long"]["p_at_l5"];
  EXPECT_GT(model_p, baseline_p) << eval.err;
  EXPECT_GT(model["lddt_ca"].get<double>(), baseline["lddt_ca"].get<double>()) << eval.err;
  EXPECT_GT(model["tm_score"].get<double>(), baseline["tm_score"].get<double>()) << eval.err;
}

}  // namespace
}  // namespace tessera::test_support
