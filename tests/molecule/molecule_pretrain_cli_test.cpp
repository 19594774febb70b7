// Masked-atom pre-training through the executable: on unlabelled molecules (.smi, data.targets
// empty) the objective's loss falls, a resumed run masks as a straight one, the pre-trained model
// is refused by predict, and it fine-tunes on labelled molecules with a fresh property head.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "tests/support/checkpoint_tensors.h"
#include "tests/support/command.h"
#include "tests/support/one_line_error.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"
#include "tests/support/tiny_molecules.h"

namespace tessera::test_support {
namespace {

const char* kConfig = TESSERA_SOURCE_DIR "/tests/configs/molecule-tiny.yaml";

// The tiny set's SMILES and names as a .smi file: molecules without any measured value.
std::string tiny_smi() {
  std::istringstream rows(tiny_molecules_csv());
  std::string row, smi;
  std::getline(rows, row);
  while (std::getline(rows, row)) {
    const size_t a = row.find(','), b = row.rfind(',');
    smi += row.substr(a + 1, b - a - 1) + " " + row.substr(0, a) + "\n";
  }
  return smi;
}

std::vector<nlohmann::json> metrics(const std::string& run) {
  std::istringstream lines(slurp(run + "/metrics.jsonl"));
  std::vector<nlohmann::json> out;
  for (std::string line; std::getline(lines, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

class MoleculePretrain : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_.emplace("MoleculePretrain");
    dir_ = scratch_->str();
    smi_ = dir_ + "/tiny.smi";
    csv_ = dir_ + "/tiny.csv";
    std::ofstream(smi_) << tiny_smi();
    std::ofstream(csv_) << tiny_molecules_csv();
    pretrain_ = std::string("train --config ") + kConfig + " --no-carbon --set data.path=" + smi_ +
                " --set data.targets=[] --set model.mask_fraction=0.15 --set model.descriptors=false" +
                " --set training.lr=3e-3 --set training.log_every=1 --run-dir ";
  }
  static void TearDownTestSuite() { scratch_.reset(); }
  static inline std::optional<ScratchDir> scratch_;
  static inline std::string dir_, smi_, csv_, pretrain_;
};

TEST_F(MoleculePretrain, MaskedAtomLossFallsOnUnlabelledMolecules) {
  const std::string run = dir_ + "/falls";
  const auto r = run_tessera(pretrain_ + run + " --set training.max_steps=80 --set training.eval_every=80");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("masked atoms"), std::string::npos) << r.err;
  const auto m = metrics(run);
  ASSERT_EQ(m.size(), 80u);
  double first = 0, last = 0;
  for (size_t i = 0; i < 5; ++i) {
    first += m[i]["masked_atoms_loss"].get<double>() / 5;
    last += m[m.size() - 1 - i]["masked_atoms_loss"].get<double>() / 5;
  }
  EXPECT_LT(last, 0.6 * first) << "first steps " << first << ", last steps " << last;
  EXPECT_LT(m.back()["masked_atoms_eval_loss"].get<double>(), 0.6 * first);
  EXPECT_FALSE(m.back().contains("property_loss"));  // nothing to predict but the atoms
}

TEST_F(MoleculePretrain, ResumedRunMasksAsAStraightRun) {
  ASSERT_EQ(run_tessera(pretrain_ + dir_ + "/straight").exit_code, 0);
  ASSERT_EQ(run_tessera(pretrain_ + dir_ + "/halves --max-steps 3").exit_code, 0);
  const auto resumed = run_tessera(pretrain_ + dir_ + "/halves --resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  const auto straight = raw_tensors(dir_ + "/straight/checkpoints/last.h5"),
             continued = raw_tensors(dir_ + "/halves/checkpoints/last.h5");
  ASSERT_EQ(straight.size(), continued.size());
  for (const auto& [name, bytes] : straight) EXPECT_TRUE(bytes == continued.at(name)) << name << " differs after resume";
  // The losses of each step, by step (the stopped run also logs where it stopped).
  const auto by_step = [](const std::vector<nlohmann::json>& lines) {
    std::map<int64_t, double> losses;
    for (const nlohmann::json& j : lines)
      if (j.contains("loss")) losses[j["step"].get<int64_t>()] = j["loss"].get<double>();
    return losses;
  };
  const auto a = by_step(metrics(dir_ + "/straight")), b = by_step(metrics(dir_ + "/halves"));
  EXPECT_EQ(a.size(), 6u);
  EXPECT_EQ(a, b);
}

TEST_F(MoleculePretrain, PreTrainedModelFineTunesWithAFreshHead) {
  const std::string base = dir_ + "/base";
  ASSERT_EQ(run_tessera(pretrain_ + base).exit_code, 0);
  const std::string checkpoint = base + "/checkpoints/last.h5";
  EXPECT_TRUE(one_line_error(run_tessera("predict molecule --no-carbon --checkpoint " + checkpoint + " --input " + smi_ +
                                         " --output " + dir_ + "/never.csv"),
                             2, "is a pre-trained model without targets"));
  const std::string tuned = dir_ + "/tuned";
  const auto r = run_tessera(std::string("train --config ") + kConfig + " --no-carbon --set data.path=" + csv_ +
                             " --run-dir " + tuned + " --init-from " + checkpoint);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("fine-tuning (full) from"), std::string::npos) << r.err;
  const auto holds = [](const std::map<std::string, std::vector<char>>& tensors, const std::string& part) {
    for (const auto& [name, bytes] : tensors)
      if (name.find(part) != std::string::npos) return true;
    return false;
  };
  const auto pre = raw_tensors(checkpoint), post = raw_tensors(tuned + "/checkpoints/last.h5");
  EXPECT_TRUE(holds(pre, "atom_head"));
  EXPECT_FALSE(holds(pre, "output"));  // the base has no property head
  EXPECT_TRUE(holds(post, "output"));
  EXPECT_FALSE(holds(post, "atom_head"));  // mask_fraction 0: the fine-tuned model has no atom head
  const auto p = run_tessera("predict molecule --no-carbon --checkpoint " + tuned + "/checkpoints/last.h5 --input " + smi_ +
                             " --output " + dir_ + "/predicted.csv");
  EXPECT_EQ(p.exit_code, 0) << p.err;
}

TEST_F(MoleculePretrain, LabelledRunsReportBothPartsAndNoObjectiveIsOneLine) {
  const std::string run = dir_ + "/joint";
  const auto r = run_tessera(std::string("train --config ") + kConfig + " --no-carbon --set data.path=" + csv_ +
                             " --set model.mask_fraction=0.15 --set training.eval_every=6 --run-dir " + run);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json last = metrics(run).back();
  for (const char* key : {"property_loss", "masked_atoms_loss", "property_eval_loss", "masked_atoms_eval_loss"})
    EXPECT_TRUE(last.contains(key)) << key << " missing in " << last.dump();
  EXPECT_TRUE(one_line_error(run_tessera(std::string("train --config ") + kConfig + " --no-carbon --set data.path=" + smi_ +
                                         " --set data.targets=[] --run-dir " + dir_ + "/nothing"),
                             2, "model.mask_fraction"));
}

}  // namespace
}  // namespace tessera::test_support
