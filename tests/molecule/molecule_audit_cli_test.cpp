// `tessera audit bias` on a molecule checkpoint: a tiny model trained on a generated CSV with
// halogens, charged atoms and a few scaffolds, audited on its test split; every test molecule
// counts once under each attribute, and bad configs are one line without output.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "domains/molecule/chemistry.h"
#include "domains/molecule/molecule_bias_audit.h"
#include "tests/support/command.h"
#include "tests/support/one_line_error.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"

namespace tessera::molecule {
namespace {

using json = nlohmann::json;
using test_support::one_line_error;
using test_support::run_tessera;

// 60 molecules: rings with and without halogens, charged acids and amines, acyclic chains.
std::string chemistry_csv() {
  const std::vector<std::string> stems = {"c1ccccc1", "c1ccncc1", "C1CCCCC1", "CC", "CCC", "CCCC"};
  const std::vector<std::string> tails = {"", "Cl", "Br", "F", "C(=O)[O-]", "C[NH3+]", "O", "N", "C", "CO"};
  std::string csv = "name,smiles,y\n";
  int i = 0;
  for (const std::string& s : stems)
    for (const std::string& t : tails) {
      csv += "m" + std::to_string(i) + "," + s + t + "," + std::to_string(0.1 * (i % 7)) + "\n";
      ++i;
    }
  return csv;
}

class MoleculeAuditCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_.emplace("MoleculeAuditCli");
    dir_ = scratch_->str();
    std::ofstream(dir_ + "/chem.csv") << chemistry_csv();
    const auto r = run_tessera("train --config " TESSERA_SOURCE_DIR "/tests/configs/molecule-tiny.yaml --no-carbon --run-dir " +
                               dir_ + "/run --set data.path=" + dir_ + "/chem.csv");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::ofstream(dir_ + "/audit.yaml") << "domain: molecule\ndata:\n  input: " << dir_ << "/chem.csv\n"
                                        << "  scaffold_clusters: 1\naudit:\n  bootstrap: 50\n  min_group_size: 2\n";
  }
  static void TearDownTestSuite() { scratch_.reset(); }
  static std::string audit(const std::string& config, const std::string& out) {
    return "audit bias --no-carbon --checkpoint " + dir_ + "/run/checkpoints/last.h5 --config " + config + " --output-dir " + out;
  }
  static inline std::optional<test_support::ScratchDir> scratch_;
  static inline std::string dir_;
};

TEST_F(MoleculeAuditCli, EveryTestMoleculeCountsOncePerAttribute) {
  const auto r = run_tessera(audit(dir_ + "/audit.yaml", dir_ + "/audit"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* file : {"audit.json", "audit.md", "audit.html"}) EXPECT_TRUE(std::filesystem::exists(dir_ + "/audit/" + file)) << file;
  const json a = json::parse(test_support::slurp(dir_ + "/audit/audit.json"));
  EXPECT_EQ(a["kind"], "regression");
  const int64_t molecules = a["source"]["test_molecules"];
  EXPECT_EQ(molecules, 6);  // 10 % of 60
  std::map<std::string, int64_t> total;
  std::map<std::string, std::set<std::string>> groups;
  for (const auto& g : a["groups"]) {
    total[g["attribute"]] += g["n"].get<int64_t>();
    groups[g["attribute"]].insert(g["group"].get<std::string>());
    for (const char* metric : {"rmse", "mae", "bias"}) EXPECT_TRUE(g["metrics"][metric].is_number()) << metric;
  }
  for (const char* attribute : {"molecular_weight", "halogen", "charge", "scaffold"})
    EXPECT_EQ(total[attribute], molecules) << attribute;
  for (const std::string& g : groups["halogen"]) EXPECT_TRUE(g == "halogen" || g == "no halogen") << g;
  for (const std::string& g : groups["charge"]) EXPECT_TRUE(g == "charged" || g == "neutral") << g;
  EXPECT_EQ(groups["molecular_weight"], std::set<std::string>{"<250 Da"});  // all are small
  // one named scaffold at most, the rest "other" or "(acyclic)"
  int named = 0;
  for (const std::string& g : groups["scaffold"]) named += g != "other" && g != "(acyclic)";
  EXPECT_LE(named, 1);
}

TEST_F(MoleculeAuditCli, ClassificationModelsAreAuditedOnDecisions) {
  std::string csv = "name,smiles,y\n";
  std::istringstream rows(chemistry_csv());
  std::string row;
  std::getline(rows, row);
  for (int i = 0; std::getline(rows, row); ++i) csv += row.substr(0, row.rfind(',')) + "," + std::to_string(i % 2) + "\n";
  std::ofstream(dir_ + "/classes.csv") << csv;
  const auto t = run_tessera("train --config " TESSERA_SOURCE_DIR "/tests/configs/molecule-tiny.yaml --no-carbon --run-dir " +
                             dir_ + "/classes-run --set data.path=" + dir_ + "/classes.csv --set data.task=classification");
  ASSERT_EQ(t.exit_code, 0) << t.err;
  std::ofstream(dir_ + "/classes.yaml") << "data:\n  input: " << dir_ << "/classes.csv\n  threshold: 0.4\naudit:\n  bootstrap: 20\n";
  const auto r = run_tessera("audit bias --no-carbon --checkpoint " + dir_ + "/classes-run/checkpoints/last.h5 --config " + dir_ +
                             "/classes.yaml --output-dir " + dir_ + "/classes-audit");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json a = json::parse(test_support::slurp(dir_ + "/classes-audit/audit.json"));
  EXPECT_EQ(a["kind"], "classification");
  EXPECT_EQ(a["source"]["threshold"], 0.4);
  for (const auto& g : a["groups"]) EXPECT_TRUE(g["metrics"].contains("selection_rate")) << g["group"];
}

TEST_F(MoleculeAuditCli, BadConfigsAreOneLineWithoutOutput) {
  std::ofstream(dir_ + "/typo.yaml") << "data:\n  input: " << dir_ << "/chem.csv\n  scaffold_cluster: 3\n";
  EXPECT_TRUE(one_line_error(run_tessera(audit(dir_ + "/typo.yaml", dir_ + "/t")), 2, "scaffold_cluster"));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/t/audit.json"));
  std::ofstream(dir_ + "/target.yaml") << "data:\n  input: " << dir_ << "/chem.csv\n  target: logS\n";
  EXPECT_TRUE(one_line_error(run_tessera(audit(dir_ + "/target.yaml", dir_ + "/g")), 2, "logS"));
  std::ofstream(dir_ + "/bins.yaml") << "data:\n  input: " << dir_ << "/chem.csv\n  weight_bins: [.nan]\n";
  EXPECT_TRUE(one_line_error(run_tessera(audit(dir_ + "/bins.yaml", dir_ + "/b")), 2, "weight_bins"));
  std::ofstream(dir_ + "/missing.yaml") << "data:\n  input: " << dir_ << "/none.csv\n";
  EXPECT_TRUE(one_line_error(run_tessera(audit(dir_ + "/missing.yaml", dir_ + "/m")), 2, "none.csv"));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/m/audit.json"));
}

TEST(MoleculeAuditGroups, WeightBinsAndChemistryFacts) {
  const std::vector<double> edges = {250, 400, 550};
  EXPECT_EQ(weight_bin(249.9, edges), "<250 Da");
  EXPECT_EQ(weight_bin(250, edges), "250-400 Da");
  EXPECT_EQ(weight_bin(549, edges), "400-550 Da");
  EXPECT_EQ(weight_bin(550, edges), ">=550 Da");
  std::string error;
  const auto chloro = Molecule::from_smiles("Clc1ccccc1", error), acetate = Molecule::from_smiles("CC(=O)[O-]", error),
             ethanol = Molecule::from_smiles("CCO", error);
  ASSERT_TRUE(chloro && acetate && ethanol) << error;
  EXPECT_NEAR(chloro->molecular_weight(), 112.56, 0.01);  // C6H5Cl
  EXPECT_NEAR(ethanol->molecular_weight(), 46.07, 0.01);
  EXPECT_TRUE(chloro->has_halogen());
  EXPECT_FALSE(ethanol->has_halogen());
  EXPECT_TRUE(acetate->has_charged_atom());
  EXPECT_FALSE(chloro->has_charged_atom());
}

}  // namespace
}  // namespace tessera::molecule
