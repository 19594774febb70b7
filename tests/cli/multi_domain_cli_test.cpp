// Multi-domain training through the executable (`task: multi`, tests/configs/multi-tiny.yaml): one
// trunk for text, weather and molecule parts; per-part losses in metrics.jsonl; each domain's
// commands load their part of the one checkpoint; exact resume; config mistakes as one line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "core/io/checkpoint.h"
#include "tests/support/checkpoint_tensors.h"
#include "tests/support/command.h"
#include "tests/support/one_line_error.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"
#include "tests/support/tiny_molecules.h"

namespace tessera {
namespace {

using test_support::CommandResult;
using test_support::one_line_error;
using test_support::run_tessera;
using test_support::ScratchDir;
using test_support::slurp;

const std::string kConfig = std::string(TESSERA_SOURCE_DIR) + "/tests/configs/multi-tiny.yaml";

class MultiDomainCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_.emplace("MultiDomainCli");
    dir_ = scratch_->str();
    std::ofstream corpus(dir_ + "/corpus.txt");
    for (int i = 0; i < 300; ++i) corpus << "Line " << i << ": the quick brown fox jumps over the lazy dog.\n";
    std::ofstream(dir_ + "/molecules.csv") << test_support::tiny_molecules_csv();
    const auto weather = run_tessera("data weather-demo --days 3 --output " + dir_ + "/demo.nc");
    ASSERT_EQ(weather.exit_code, 0) << weather.err;
    const auto r = train("run", "");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    checkpoint_ = dir_ + "/run/checkpoints/last.h5";
  }
  static void TearDownTestSuite() { scratch_.reset(); }

  static std::string data_flags() {
    return " --set parts.text.data.path=" + dir_ + "/corpus.txt --set parts.weather.data.files=" + dir_ +
           "/demo.nc --set parts.molecule.data.path=" + dir_ + "/molecules.csv";
  }
  static CommandResult train(const std::string& run, const std::string& flags, const std::string& config = kConfig) {
    return run_tessera("train --config " + config + " --no-carbon --run-dir " + dir_ + "/" + run + data_flags() + " " +
                       flags);
  }
  static std::vector<nlohmann::json> metrics(const std::string& run) {
    std::vector<nlohmann::json> lines;
    std::istringstream in(slurp(dir_ + "/" + run + "/metrics.jsonl"));
    for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
    return lines;
  }
  static inline std::optional<ScratchDir> scratch_;
  static inline std::string dir_, checkpoint_;
};

TEST_F(MultiDomainCli, LogsTheLossOfEveryPartAndStoresTheTrunkOnce) {
  std::set<std::string> trained, evaluated;
  for (const nlohmann::json& line : metrics("run"))
    for (const std::string part : {"text", "weather", "molecule"}) {
      if (line.contains(part + "_loss")) trained.insert(part);
      if (line.contains(part + "_eval_loss")) evaluated.insert(part);
    }
  EXPECT_EQ(trained.size(), 3u) << "12 steps draw every part";
  EXPECT_EQ(evaluated.size(), 3u);

  int shared = 0, per_part_trunk_layers = 0;
  for (const io::StoredTensor& t : io::list_checkpoint_tensors(checkpoint_)) {
    if (t.name.rfind("trunk/blocks/", 0) == 0) ++shared;
    if (t.name.find("/trunk/blocks/") != std::string::npos && t.name.rfind("optimizer/", 0) != 0) ++per_part_trunk_layers;
  }
  EXPECT_GT(shared, 0);
  EXPECT_EQ(per_part_trunk_layers, 0) << "the trunk's layers are one copy, not one per part";

  const auto info = run_tessera("info --verify --checkpoint " + checkpoint_);
  ASSERT_EQ(info.exit_code, 0) << info.err;
  const auto j = nlohmann::json::parse(info.out);
  EXPECT_EQ(j["architecture"], "multi");
  EXPECT_EQ(j["domain"], nlohmann::json({"text", "weather", "molecule"}));
  EXPECT_TRUE(j["verified"].get<bool>());
}

TEST_F(MultiDomainCli, EveryDomainsCommandsLoadTheirPart) {
  const auto eval = run_tessera("eval molecule --no-carbon --checkpoint " + checkpoint_ + " --input " + dir_ + "/molecules.csv");
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  EXPECT_TRUE(nlohmann::json::parse(eval.out)["model"]["rmse"].is_number());

  const auto forecast = run_tessera("predict weather --no-carbon --checkpoint " + checkpoint_ + " --input " + dir_ +
                                    "/demo.nc --output " + dir_ + "/forecast.nc");
  ASSERT_EQ(forecast.exit_code, 0) << forecast.err;
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/forecast.nc"));

  const auto text = run_tessera("generate --checkpoint " + checkpoint_ + " --prompt Line --max-tokens 8 --seed 1");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out.rfind("Line", 0), 0u) << text.out;
}

TEST_F(MultiDomainCli, AModelTheCheckpointDoesNotHoldIsOneLine) {
  const auto r = run_tessera("predict protein --no-carbon --checkpoint " + checkpoint_ + " --input " + dir_ +
                             "/corpus.txt --output-dir " + dir_ + "/proteins");
  EXPECT_TRUE(one_line_error(r, 2, "is a multi-domain checkpoint of text/language_model, weather/forecast, "
                                   "molecule/property, without"));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/proteins"));
}

TEST_F(MultiDomainCli, ResumeContinuesExactly) {
  ASSERT_EQ(train("halves", "--max-steps 6").exit_code, 0);
  const auto resumed = train("halves", "--resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(test_support::raw_tensors(dir_ + "/halves/checkpoints/last.h5"), test_support::raw_tensors(checkpoint_));
  auto without_times = [](std::vector<nlohmann::json> lines) {
    for (nlohmann::json& l : lines) {
      l.erase("elapsed_s");
      l.erase("tokens_per_s");
    }
    return lines;
  };
  EXPECT_EQ(without_times(metrics("halves")), without_times(metrics("run")));
}

TEST_F(MultiDomainCli, ConfigMistakesAreOneLine) {
  const std::string c = kConfig;
  EXPECT_TRUE(one_line_error(train("bad1", "--set parts.weather.model.d_model=32 --set parts.weather.model.n_head=2"), 2,
                             c + ": parts.weather.model: the shared trunk has d_model 16, this model 32"));
  EXPECT_TRUE(one_line_error(train("bad2", "--set parts.text.task=multi"), 2, c + ": parts.text.task: a part cannot itself be multi"));
  EXPECT_TRUE(one_line_error(train("bad3", "--set parts.text.weight=-1"), 2, c + ": parts.text.weight"));
  EXPECT_TRUE(one_line_error(
      train("bad4", "--set parts.text.weight=0 --set parts.weather.weight=0 --set parts.molecule.weight=0"), 2,
      "every part has weight 0"));
  EXPECT_TRUE(one_line_error(train("bad5", "--set parts.molecule.data.batch_siz=3"), 2, "parts.molecule.data.batch_siz"));
  EXPECT_TRUE(one_line_error(train("bad6", "--set parts.trunk.task=text/language_model"), 2,
                             "part names are lower-case words other than 'trunk' and 'optimizer'"));
  EXPECT_TRUE(one_line_error(train("bad7", "--set sampling_temperature=0"), 2, c + ": sampling_temperature"));

  const std::string two_texts = dir_ + "/two-texts.yaml";
  std::ofstream(two_texts) << "task: multi\nparts:\n  a: {task: text/language_model, data: {path: " << dir_
                           << "/corpus.txt}}\n  b: {task: text/language_model, data: {path: " << dir_
                           << "/corpus.txt}}\ntraining: {max_steps: 2}\n";
  EXPECT_TRUE(one_line_error(run_tessera("train --no-carbon --config " + two_texts + " --run-dir " + dir_ + "/bad8"), 2,
                             "parts a and b both train text/language_model"));
  const std::string no_parts = dir_ + "/no-parts.yaml";
  std::ofstream(no_parts) << "task: multi\ntraining: {max_steps: 2}\n";
  EXPECT_TRUE(one_line_error(run_tessera("train --no-carbon --config " + no_parts + " --run-dir " + dir_ + "/bad9"), 2,
                             "a multi-domain run needs at least one part"));
}

}  // namespace
}  // namespace tessera
