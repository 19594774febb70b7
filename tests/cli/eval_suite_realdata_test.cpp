// configs/eval/realdata.yaml on ../shared/data: the four models its comments name, shrunk to a
// few steps and trained here into the run folders it expects, then the suite as shipped (only the
// paths moved into the test's folder). Skipped when the shared data is absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "tests/support/command.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"

namespace tessera::test_support {
namespace {

namespace fs = std::filesystem;
const std::string kData = TESSERA_SOURCE_DIR "/../shared/data";

TEST(EvalSuiteRealData, EveryDomainOnItsSharedData) {
  if (!fs::is_directory(kData)) GTEST_SKIP() << kData << " is absent (the shared data is not on this machine)";
  const ScratchDir scratch;
  const std::string runs = scratch.str() + "/runs";
  auto train = [&](const std::string& config, const std::string& run, const std::string& sets) {
    const auto r = run_tessera("train --config " TESSERA_SOURCE_DIR "/configs/" + config + " --no-carbon --run-dir " + runs +
                               "/" + run + " --set training.eval_every=0 --set training.eval_batches=1 " + sets);
    ASSERT_EQ(r.exit_code, 0) << config << ": " << r.err;
  };
  // The configs' data paths are relative to the checkout; the test runs elsewhere.
  const std::string shared = "'" + kData + "/";
  train("weather/era5-t2m-uk.yaml", "era5-t2m-uk",
        "--max-steps 3 --set 'data.files=[" + kData + "/weather/era5_t2m_uk_2019-03_hourly.nc]' --set model.d_model=16 "
        "--set model.n_layer=1 --set model.afno_blocks=2");
  train("molecule/esol.yaml", "esol-random-0", "--max-steps 3 --set data.path=" + shared + "molecules/esol_delaney-processed.csv'");
  train("protein/shared-structures.yaml", "protein-shared-structures",
        "--max-steps 2 --set 'data.path=[" + kData + "/protein/theseus_trypsins," + kData + "/protein/theseus_ldh," + kData +
            "/protein/tcoffee_pdb]' --set model.d_model=16 --set model.n_layer=1 --set model.pair_layers=1 --set model.pair_dim=8");
  train("text/shakespeare-char.yaml", "shakespeare",
        "--max-steps 3 --set data.path=" + shared + "text/tinyshakespeare.txt' --set model.d_model=32 --set model.n_layer=1 "
        "--set model.n_head=2 --set model.context=64 --set data.batch_size=4");
  if (HasFatalFailure()) return;

  std::string suite = slurp(TESSERA_SOURCE_DIR "/configs/eval/realdata.yaml");
  ASSERT_FALSE(suite.empty());
  suite = std::regex_replace(suite, std::regex("\\.\\./shared/data"), kData);
  suite = std::regex_replace(suite, std::regex("checkpoint: runs/"), "checkpoint: " + runs + "/");
  const std::string suite_file = scratch.str() + "/realdata.yaml";
  std::ofstream(suite_file) << suite;
  const auto r = run_tessera("eval suite --checkpoint " + runs + "/era5-t2m-uk/checkpoints/last.h5 --suite " + suite_file +
                             " --no-carbon --output-dir " + scratch.str() + "/report");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(slurp(scratch / "report" / "suite.json"));
  ASSERT_EQ(j["evaluations"].size(), 4u);
  const char* domains[] = {"weather", "molecule", "protein", "text"};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(j["evaluations"][i]["domain"], domains[i]);
    EXPECT_FALSE(j["evaluations"][i]["comparison"].empty()) << domains[i];
    EXPECT_TRUE(j["evaluations"][i]["comparison"][0]["model"].is_number()) << domains[i];
  }
  EXPECT_EQ(j["evaluations"][0]["comparison"].size(), 8u);  // RMSE and ACC at 4 leads
  EXPECT_EQ(j["training"].size(), 4u);
  for (const char* file : {"suite.md", "suite.html"}) EXPECT_FALSE(slurp(scratch / "report" / file).empty()) << file;
}

}  // namespace
}  // namespace tessera::test_support
