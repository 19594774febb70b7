// Optional 3D conformer distances (model.conformer): ETKDG distances are seeded and in the 2D
// graph's atom order, a molecule that cannot be embedded is kept without distances, and a model
// trained with conformers (one molecule failing) round-trips through its checkpoint and predicts
// through the executable the same numbers as in process.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "domains/molecule/chemistry.h"
#include "domains/molecule/molecule_model_spec.h"
#include "domains/molecule/property_batches.h"
#include "tests/support/checkpoint_tensors.h"
#include "tests/support/command.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"
#include "tests/support/tiny_molecules.h"

namespace tessera::molecule {
namespace {

using test_support::run_tessera;

// Norbornane with bridgehead stereo no geometry can satisfy: ETKDG gives up on it.
constexpr const char* kUnembeddable = "C1C[C@H]2CC[C@H]1C2";

std::unique_ptr<Molecule> parse(const std::string& smiles) {
  std::string error;
  std::unique_ptr<Molecule> m = Molecule::from_smiles(smiles, error);
  EXPECT_TRUE(m) << error;
  return m;
}

TEST(ConformerDistances, SeededSymmetricAndInTheGraphsAtomOrder) {
  const std::string ethanol_acid = "OCC(=O)O";  // atoms: O0 C1 C2 O3 O4
  const std::vector<float> d = parse(ethanol_acid)->conformer_distances();
  ASSERT_EQ(d.size(), 25u);
  EXPECT_EQ(d, parse(ethanol_acid)->conformer_distances()) << "the same molecule must get the same conformer";
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(d[static_cast<size_t>(i * 5 + i)], 0.0f);
    for (int j = 0; j < 5; ++j) EXPECT_FLOAT_EQ(d[static_cast<size_t>(i * 5 + j)], d[static_cast<size_t>(j * 5 + i)]);
  }
  EXPECT_NEAR(d[0 * 5 + 1], 1.43, 0.08);  // C-O single bond
  EXPECT_NEAR(d[1 * 5 + 2], 1.52, 0.08);  // C-C
  EXPECT_NEAR(d[2 * 5 + 3], 1.21, 0.08);  // C=O
  EXPECT_GT(d[0 * 5 + 3], 2.0f);          // two bonds apart
}

TEST(ConformerDistances, AMoleculeThatCannotBeEmbeddedIsKeptWithoutDistances) {
  EXPECT_TRUE(parse(kUnembeddable)->conformer_distances().empty());
  MoleculeRecord record;
  record.smiles = kUnembeddable;
  record.targets = {1.0};
  ExampleOptions options;
  options.conformer = true;
  std::string error;
  const std::unique_ptr<MoleculeExample> e = make_example(record, options, error);
  ASSERT_TRUE(e) << error;
  EXPECT_TRUE(e->conformer_failed);
  EXPECT_TRUE(e->graph.graph.distances.empty());
  record.smiles = "CCO";
  const std::unique_ptr<MoleculeExample> fine = make_example(record, options, error);
  ASSERT_TRUE(fine);
  EXPECT_FALSE(fine->conformer_failed);
  EXPECT_EQ(fine->graph.graph.distances.size(), 9u);
  options.conformer = false;
  EXPECT_TRUE(make_example(record, options, error)->graph.graph.distances.empty());
}

class ConformerCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_.emplace("ConformerCli");
    dir_ = scratch_->str();
    input_ = dir_ + "/tiny.csv";
    std::ofstream(input_) << test_support::tiny_molecules_csv() << "unembeddable," << kUnembeddable << ",7\n";
    train_ = run_tessera("train --config " TESSERA_SOURCE_DIR "/tests/configs/molecule-tiny.yaml --no-carbon --run-dir " +
                         dir_ + "/run --set data.path=" + input_ + " --set model.conformer=true");
    checkpoint_ = dir_ + "/run/checkpoints/last.h5";
  }
  static void TearDownTestSuite() { scratch_.reset(); }
  static inline std::optional<test_support::ScratchDir> scratch_;
  static inline std::string dir_, input_, checkpoint_;
  static inline test_support::CommandResult train_;
};

TEST_F(ConformerCli, TrainsWithAMoleculeThatFailsToEmbedAndSaysSoOnce) {
  ASSERT_EQ(train_.exit_code, 0) << train_.err;
  EXPECT_NE(train_.err.find("1 failed to embed"), std::string::npos) << train_.err;
  int mixes = 0;
  for (const auto& [name, bytes] : test_support::raw_tensors(checkpoint_))
    mixes += name.find("conformer_bias") != std::string::npos && name.find("weight") != std::string::npos &&
             bytes.size() == 16 * 2 * sizeof(float);  // default kernels x heads of molecule-tiny.yaml
  EXPECT_GE(mixes, 1) << "the checkpoint holds the conformer mix";
}

TEST_F(ConformerCli, CheckpointRoundTripPredictsAsTheExecutableDoes) {
  ASSERT_EQ(train_.exit_code, 0) << train_.err;
  const LoadedMoleculeModel m = load_molecule_model(checkpoint_);
  ASSERT_TRUE(m.spec.examples.conformer) << "model.conformer is read back from the checkpoint";
  ASSERT_TRUE(m.model->embedding.conformer_bias);
  const std::string library = dir_ + "/library.csv", out = dir_ + "/predicted.csv";
  std::ofstream(library) << "name,smiles\na,CCO\nb," << kUnembeddable << "\nc,c1ccccc1O\n";
  const auto r = run_tessera("predict molecule --no-carbon --checkpoint " + checkpoint_ + " --input " + library + " --output " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["conformer_failures"], 1);
  std::vector<std::unique_ptr<MoleculeExample>> examples;
  Examples batch;
  for (const char* smiles : {"CCO", kUnembeddable, "c1ccccc1O"}) {
    MoleculeRecord record;
    record.smiles = smiles;
    record.targets = {0.0};
    std::string error;
    examples.push_back(make_example(record, m.spec.examples, error));
    ASSERT_TRUE(examples.back()) << error;
    batch.push_back(examples.back().get());
  }
  const std::vector<std::vector<double>> expected = predict_properties(*m.model, batch, m.normalization, false, 1);
  std::istringstream lines(test_support::slurp(out));
  std::string line;
  std::getline(lines, line);
  for (const std::vector<double>& row : expected) {
    ASSERT_TRUE(std::getline(lines, line));
    std::vector<std::string> fields;
    std::stringstream fs(line);
    for (std::string f; std::getline(fs, f, ',');) fields.push_back(f);
    ASSERT_GE(fields.size(), 3u) << line;
    EXPECT_NEAR(std::stod(fields[2]), row[0], 1e-4 * std::max(1.0, std::abs(row[0]))) << line;
  }
}

}  // namespace
}  // namespace tessera::molecule
