// Carbon accounting through the `tessera` executable: train and eval write every report into the
// run directory, `carbon report` regenerates and totals them, --no-carbon turns it off, and bad
// carbon flags are one-line errors that leave nothing behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <utility>

#include "tests/support/command.h"
#include "tests/support/one_line_error.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test_support::one_line_error;
using test_support::run_tessera;
using test_support::slurp;

size_t line_count(const fs::path& p) {
  std::ifstream in(p);
  size_t n = 0;
  for (std::string l; std::getline(in, l);) n += !l.empty();
  return n;
}

json last_line_json(const std::string& out) {
  std::stringstream ss(out);
  std::string last;
  for (std::string l; std::getline(ss, l);)
    if (!l.empty()) last = l;
  return json::parse(last, nullptr, false);
}

class CarbonCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream corpus(dir_ / "corpus.txt");
    for (int i = 0; i < 200; ++i) corpus << "the quick brown fox jumps over the lazy dog " << i << "\n";
  }

  test_support::CommandResult train(const fs::path& run_dir, const std::string& extra) {
    return run_tessera("train --config " TESSERA_SOURCE_DIR "/tests/configs/text-tiny.yaml --set data.path=" +
                       (dir_ / "corpus.txt").string() + " --set training.max_steps=4 --run-dir " + run_dir.string() +
                       " " + extra);
  }

  const test_support::ScratchDir dir_;
};

TEST_F(CarbonCli, TrainWritesEveryReportSayingHowItMeasured) {
  const fs::path run = dir_ / "run";
  const auto r = train(run, "--country FRA --pue 1.3");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* name : {"emissions.csv", "carbon.json", "carbon.md", "carbon.html"})
    EXPECT_TRUE(fs::exists(run / name)) << name;
  EXPECT_EQ(line_count(run / "emissions.csv"), 2u);
  const json report = json::parse(slurp(run / "carbon.json"));
  const json& r0 = report["runs"][0];
  EXPECT_EQ(r0["command"], "train");
  EXPECT_EQ(r0["location"]["country_iso_code"], "FRA");
  EXPECT_DOUBLE_EQ(r0["location"]["pue"].get<double>(), 1.3);
  EXPECT_FALSE(r0["cpu"]["method"].get<std::string>().empty());
  EXPECT_NE(r0["cpu"]["method"], "none");
  EXPECT_GT(r0["cpu"]["joules"].get<double>(), 0.0);
  std::set<std::string> phases;
  for (const auto& p : r0["phases"]) phases.insert(p["phase"].get<std::string>());
  EXPECT_TRUE(phases.count("train") && phases.count("eval") && phases.count("checkpoint")) << r0["phases"].dump();
  EXPECT_NEAR(r0["emissions_kg"].get<double>(), r0["energy_kwh"].get<double>() * 1.3 * 67.39 / 1000, 1e-12);
  EXPECT_NE(r.err.find("tessera: carbon:"), std::string::npos);
  EXPECT_NE(slurp(run / "config.yaml").find("carbon:"), std::string::npos) << "the effective config records the section";
}

TEST_F(CarbonCli, EvalAddsARunToTheCheckpointsRunDirectoryAndReportTotals) {
  const fs::path run = dir_ / "run";
  ASSERT_EQ(train(run, "").exit_code, 0);
  const auto e = run_tessera("eval text --checkpoint " + (run / "checkpoints/last.h5").string() + " --input " +
                             (dir_ / "corpus.txt").string() + " --carbon-intensity 100");
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_EQ(line_count(run / "emissions.csv"), 3u);
  json report = json::parse(slurp(run / "carbon.json"));
  ASSERT_EQ(report["runs"].size(), 2u);
  EXPECT_EQ(report["runs"][1]["command"], "eval");
  EXPECT_DOUBLE_EQ(report["runs"][1]["location"]["carbon_intensity_g_per_kwh"].get<double>(), 100.0);

  const auto regen = run_tessera("carbon report --run-dir " + run.string() + " --country SWE --pue 2");
  ASSERT_EQ(regen.exit_code, 0) << regen.err;
  report = json::parse(slurp(run / "carbon.json"));
  double energy = 0;
  for (const auto& r : report["runs"]) {
    EXPECT_EQ(r["location"]["country_iso_code"], "SWE");
    EXPECT_DOUBLE_EQ(r["location"]["carbon_intensity_g_per_kwh"].get<double>(), 45.817);
    energy += r["energy_kwh"].get<double>();
  }
  EXPECT_NEAR(report["total"]["emissions_kg"].get<double>(), energy * 2 * 45.817 / 1000, 1e-12);
  EXPECT_EQ(line_count(run / "emissions.csv"), 3u);

  const fs::path other = dir_ / "other";
  ASSERT_EQ(train(other, "").exit_code, 0);
  const auto total = run_tessera("carbon report --runs " + run.string() + " " + other.string() + " --output-dir " +
                                 (dir_ / "combined").string());
  ASSERT_EQ(total.exit_code, 0) << total.err;
  const json t = last_line_json(total.out);
  EXPECT_EQ(t["runs"], 3);
  EXPECT_NEAR(t["energy_kwh"].get<double>(),
              t["run_dirs"][0]["energy_kwh"].get<double>() + t["run_dirs"][1]["energy_kwh"].get<double>(), 1e-15);
  EXPECT_TRUE(fs::exists(dir_ / "combined" / "carbon.html"));
}

TEST_F(CarbonCli, NoCarbonWritesNoReport) {
  const fs::path run = dir_ / "run";
  ASSERT_EQ(train(run, "--no-carbon").exit_code, 0);
  EXPECT_TRUE(fs::exists(run / "checkpoints/last.h5"));
  EXPECT_FALSE(fs::exists(run / "carbon.json"));
  EXPECT_FALSE(fs::exists(run / "emissions.csv"));
}

TEST_F(CarbonCli, BadCarbonInputIsOneLineAndLeavesNothing) {
  // Each bad value, and the flag or config key that gives it (which the error line must name).
  const std::pair<const char*, const char*> cases[] = {
      {"--country XYZ", "--country"},
      {"--pue 0.5", "--pue"},
      {"--carbon-intensity -3", "--carbon-intensity"},
      {"--set carbon.pue=0.2", "carbon.pue"},
      {"--set carbon.colour=green", "carbon.colour"},
      {"--set carbon.country=ZZZ", "carbon.country"}};
  for (const auto& [bad, named] : cases) {
    const fs::path run = dir_ / "bad";
    EXPECT_TRUE(one_line_error(train(run, bad), 2, named)) << bad;
    EXPECT_FALSE(fs::exists(run / "carbon.json")) << bad;
    EXPECT_FALSE(fs::exists(run / "checkpoints/last.h5")) << bad;
  }
  const auto config = train(dir_ / "bad", "--set carbon.country=ZZZ");
  EXPECT_NE(config.err.find("text-tiny.yaml: carbon.country: unknown country code 'ZZZ'"), std::string::npos) << config.err;
  const auto missing = run_tessera("carbon report --run-dir " + (dir_ / "nowhere").string());
  EXPECT_TRUE(one_line_error(missing, 2, "carbon.json"));
}

}  // namespace
}  // namespace tessera
