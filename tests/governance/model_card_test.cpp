// `tessera card` on a real (tiny) training run: every Model Cards section is there, what no file
// records is written as unknown, an audit found in the run directory is reported, and every number
// in the card is copied from one of its sources.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "tests/support/command.h"
#include "tests/support/one_line_error.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using test_support::one_line_error;
using test_support::run_tessera;
using test_support::slurp;

const char* kSections[] = {"## Model details", "## Intended use", "## Factors", "## Metrics", "## Evaluation data",
                           "## Training data", "## Quantitative analyses", "## Ethical considerations",
                           "## Caveats and recommendations"};

class ModelCard : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test_support::ScratchDir("ModelCard");
    std::ofstream corpus(*dir_ / "corpus.txt");
    for (int i = 0; i < 200; ++i) corpus << "the quick brown fox jumps over the lazy dog " << i << "\n";
    corpus.close();
    const auto r = run_tessera("train --config " TESSERA_SOURCE_DIR "/tests/configs/text-tiny.yaml --set data.path=" +
                               (*dir_ / "corpus.txt").string() + " --set training.max_steps=6 --run-dir " +
                               (*dir_ / "run").string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() { delete dir_; }

  static std::string checkpoint() { return (*dir_ / "run" / "checkpoints" / "last.h5").string(); }

  // Every number of the card (a token that is a number, not digits inside a word like CO2eq or
  // h5) must appear in one of the files it was written from, or in `tessera info`.
  static void expect_numbers_from_sources(const std::string& card) {
    std::string sources = run_tessera("info --checkpoint " + checkpoint()).out + checkpoint();
    for (const char* f : {"metrics.jsonl", "carbon.json", "eval.json", "audit/audit.json"})
      if (fs::exists(*dir_ / "run" / f)) sources += slurp(*dir_ / "run" / f);
    const std::regex number(R"([-+]?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?)");
    const std::regex token(R"([A-Za-z0-9_.+-]+)");
    int checked = 0;
    for (auto it = std::sregex_iterator(card.begin(), card.end(), token); it != std::sregex_iterator(); ++it) {
      std::string t = it->str();
      while (!t.empty() && t.back() == '.') t.pop_back();
      if (!std::regex_match(t, number)) continue;
      ++checked;
      EXPECT_NE(sources.find(t), std::string::npos) << "the card states " << t << ", found in none of its sources";
    }
    EXPECT_GT(checked, 5);
  }

  static test_support::ScratchDir* dir_;
};

test_support::ScratchDir* ModelCard::dir_ = nullptr;

TEST_F(ModelCard, WithoutAnAuditEveryUnknownIsSaid) {
  const auto r = run_tessera("card --checkpoint " + checkpoint());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* s : kSections) EXPECT_NE(r.out.find(s), std::string::npos) << s;
  EXPECT_NE(r.out.find("Architecture: text/language_model"), std::string::npos);
  EXPECT_NE(r.out.find("Relevant groups: unknown (no bias audit found"), std::string::npos);
  EXPECT_NE(r.out.find("whom this model serves worse is unknown"), std::string::npos);
  EXPECT_NE(r.out.find("data.path: " + (*dir_ / "corpus.txt").string()), std::string::npos);
  EXPECT_NE(r.out.find("kg CO2eq"), std::string::npos);  // the run's carbon.json
  expect_numbers_from_sources(r.out);
}

TEST_F(ModelCard, WithAnAuditAndAnEvalTheyAreReported) {
  std::ofstream csv(*dir_ / "preds.csv");
  csv << "y,yhat,sex\n";
  for (int i = 0; i < 80; ++i) csv << (i % 2) << "," << (i % 3 == 0) << "," << (i % 4 == 0 ? "F" : "M") << "\n";
  csv.close();
  ASSERT_EQ(run_tessera("audit bias --predictions " + (*dir_ / "preds.csv").string() +
                        " --target y --prediction yhat --groups sex --output-dir " + (*dir_ / "run" / "audit").string())
                .exit_code,
            0);
  const auto e = run_tessera("eval text --no-carbon --checkpoint " + checkpoint() + " --input " + (*dir_ / "corpus.txt").string());
  ASSERT_EQ(e.exit_code, 0) << e.err;
  std::ofstream(*dir_ / "run" / "eval.json") << e.out;
  const fs::path card = *dir_ / "MODEL_CARD.md";
  const auto r = run_tessera("card --checkpoint " + checkpoint() + " --output " + card.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string text = slurp(card);
  for (const char* s : kSections) EXPECT_NE(text.find(s), std::string::npos) << s;
  EXPECT_NE(text.find("- sex: F, M"), std::string::npos);
  EXPECT_NE(text.find("Bias audit verdict: **"), std::string::npos);
  EXPECT_NE(text.find("perplexity"), std::string::npos);
  EXPECT_EQ(text.find("no bias audit found"), std::string::npos);
  expect_numbers_from_sources(text);
}

TEST_F(ModelCard, BadPathsAreOneLineErrors) {
  EXPECT_TRUE(one_line_error(run_tessera("card --checkpoint " + (*dir_ / "none.h5").string()), 2, "none.h5"));
  EXPECT_TRUE(one_line_error(run_tessera("card --checkpoint " + checkpoint() + " --output " + checkpoint()), 2, "is an input file"));
  EXPECT_TRUE(one_line_error(run_tessera("card --checkpoint " + checkpoint() + " --output " + dir_->str()), 2, "directory"));
  // The run directory's files are the card's sources too: none may be replaced by it.
  const fs::path metrics = *dir_ / "run" / "metrics.jsonl";
  const std::string before = slurp(metrics);
  EXPECT_TRUE(one_line_error(run_tessera("card --checkpoint " + checkpoint() + " --output " + metrics.string()), 2,
                             "is an input file"));
  EXPECT_EQ(slurp(metrics), before) << "the card replaced the run's metrics";
  EXPECT_TRUE(one_line_error(run_tessera("card --checkpoint " + checkpoint() + " --run-dir " + (*dir_ / "nope").string()), 2, "run directory does not exist"));
}

}  // namespace
}  // namespace tessera
