// `tessera audit bias` on a protein structure checkpoint: a tiny model trained on a few demo
// structures (t-coffee-examples), audited on all its chains and on its test split; every chain
// counts once under each attribute, and bad configs are one line without output. The C-alpha
// secondary-structure rule on an ideal helix and an ideal strand.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "domains/protein/protein_bias_audit.h"
#include "tests/support/command.h"
#include "tests/support/one_line_error.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"

namespace tessera::protein {
namespace {

using json = nlohmann::json;
using test_support::one_line_error;
using test_support::run_tessera;

const std::string kExamples = "/usr/share/doc/t-coffee/examples";
// Small chains of a few families: seconds to train.
const std::vector<std::string> kFiles = {"1D4V2.pdb.gz", "1EXT4.pdb.gz", "1XU21.pdb.gz", "2RPJ1.pdb.gz", "3IJ24.pdb.gz",
                                         "2HEY4.pdb.gz"};

class ProteinAuditCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!std::filesystem::exists(kExamples + "/" + kFiles.front())) return;
    scratch_.emplace("ProteinAuditCli");
    dir_ = scratch_->str();
    std::filesystem::create_directories(dir_ + "/structures");
    for (const std::string& f : kFiles) std::filesystem::copy_file(kExamples + "/" + f, dir_ + "/structures/" + f);
    const auto r = run_tessera("train --config " TESSERA_SOURCE_DIR "/tests/configs/protein-tiny.yaml --no-carbon --run-dir " +
                               dir_ + "/run --set data.path=" + dir_ + "/structures");
    train_ok_ = r.exit_code == 0;
    train_err_ = r.err;
  }
  static void TearDownTestSuite() { scratch_.reset(); }
  void SetUp() override {
    if (!scratch_) GTEST_SKIP() << "demo structures not found: " << kExamples << " (Debian package t-coffee-examples)";
    ASSERT_TRUE(train_ok_) << train_err_;
  }
  static std::string config(const std::string& name, const std::string& data) {
    const std::string path = dir_ + "/" + name + ".yaml";
    std::ofstream(path) << "domain: protein\ndata:\n  input: " << dir_ << "/structures\n" << data
                        << "audit:\n  bootstrap: 50\n  min_group_size: 2\n";
    return path;
  }
  static test_support::CommandResult audit(const std::string& config_path, const std::string& out) {
    return run_tessera("audit bias --no-carbon --checkpoint " + dir_ + "/run/checkpoints/last.h5 --config " + config_path +
                       " --output-dir " + dir_ + "/" + out);
  }
  static inline std::optional<test_support::ScratchDir> scratch_;
  static inline std::string dir_, train_err_;
  static inline bool train_ok_ = false;
};

TEST_F(ProteinAuditCli, EveryChainCountsOncePerAttribute) {
  const auto r = audit(config("all", "  split: all\n"), "all");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* file : {"audit.json", "audit.md", "audit.html"}) EXPECT_TRUE(std::filesystem::exists(dir_ + "/all/" + file)) << file;
  const json a = json::parse(test_support::slurp(dir_ + "/all/audit.json"));
  EXPECT_EQ(a["kind"], "regression");
  const int64_t chains = a["source"]["chains"];
  EXPECT_GE(chains, static_cast<int64_t>(kFiles.size()));
  std::map<std::string, int64_t> total;
  std::map<std::string, std::set<std::string>> groups;
  for (const auto& g : a["groups"]) {
    total[g["attribute"]] += g["n"].get<int64_t>();
    groups[g["attribute"]].insert(g["group"].get<std::string>());
    const double mae = g["metrics"]["mae"], bias = g["metrics"]["bias"];
    EXPECT_NEAR(bias, -mae, 1e-9);  // lDDT-CA never exceeds the perfect 1
    EXPECT_GE(mae, 0.0);
    EXPECT_LE(mae, 1.0);
  }
  for (const char* attribute : {"length", "secondary_structure", "source_file"}) EXPECT_EQ(total[attribute], chains) << attribute;
  EXPECT_EQ(groups["source_file"].size(), kFiles.size());
  EXPECT_TRUE(groups["source_file"].count("1D4V2"));
  for (const std::string& g : groups["secondary_structure"])
    EXPECT_TRUE(g == "mostly helix" || g == "mostly strand" || g == "mixed") << g;

  const auto test = audit(config("test", ""), "test");
  ASSERT_EQ(test.exit_code, 0) << test.err;
  EXPECT_LT(json::parse(test_support::slurp(dir_ + "/test/audit.json"))["source"]["chains"].get<int64_t>(), chains);
}

TEST_F(ProteinAuditCli, InputMayBeAListOfFiles) {
  const std::string path = dir_ + "/list.yaml";
  std::ofstream(path) << "data:\n  split: all\n  input: [" << dir_ << "/structures/1D4V2.pdb.gz, " << dir_
                      << "/structures/3IJ24.pdb.gz]\naudit:\n  bootstrap: 10\n";
  const auto r = audit(path, "list");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json a = json::parse(test_support::slurp(dir_ + "/list/audit.json"));
  std::set<std::string> files;
  for (const auto& g : a["groups"])
    if (g["attribute"] == "source_file") files.insert(g["group"].get<std::string>());
  EXPECT_EQ(files, (std::set<std::string>{"1D4V2", "3IJ24"}));
}

TEST_F(ProteinAuditCli, BadConfigsAreOneLineWithoutOutput) {
  EXPECT_TRUE(one_line_error(audit(config("split", "  split: holdout\n"), "s"), 2, "holdout"));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/s/audit.json"));
  EXPECT_TRUE(one_line_error(audit(config("typo", "  length_bin: [50]\n"), "t"), 2, "length_bin"));
  EXPECT_TRUE(one_line_error(audit(config("inf", "  length_bins: [.inf]\n"), "i"), 2, "length_bins"));
  std::ofstream(dir_ + "/noinput.yaml") << "data:\n  split: test\n";
  EXPECT_TRUE(one_line_error(audit(dir_ + "/noinput.yaml", "n"), 2, "input"));
  std::ofstream(dir_ + "/empty.yaml") << "data:\n  input: " << dir_ << "/nothing-here\n";
  EXPECT_TRUE(one_line_error(audit(dir_ + "/empty.yaml", "e"), 2, "nothing-here"));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/e/audit.json"));
}

ProteinChain ca_chain(const std::vector<Point>& ca) {
  ProteinChain c;
  c.name = "x_A";
  for (size_t i = 0; i < ca.size(); ++i) {
    c.sequence += 'A';
    c.residue_numbers.push_back(static_cast<int>(i + 1));
    c.insertion_codes.push_back(' ');
    c.atoms.push_back({missing_point(), ca[i], missing_point(), missing_point()});
  }
  return c;
}

TEST(ProteinAuditSecondaryStructure, IdealHelixAndSheetFromCAlphaGeometry) {
  std::vector<Point> helix, strand, hairpin;
  for (int i = 0; i < 20; ++i) {
    const double angle = i * 100.0 * M_PI / 180.0;  // alpha helix: 100 degrees, 1.5 A rise, radius 2.3 A
    helix.push_back({2.3 * std::cos(angle), 2.3 * std::sin(angle), 1.5 * i});
    strand.push_back({3.3 * i, i % 2 ? 0.9 : -0.9, 0.0});  // extended zigzag, 3.5 A between C-alphas
  }
  // Two antiparallel strands 4.8 A apart: a sheet, each C-alpha beside one of the other strand.
  for (int i = 0; i < 10; ++i) hairpin.push_back(strand[static_cast<size_t>(i)]);
  for (int i = 9; i >= 0; --i) hairpin.push_back({3.3 * i, 4.8 + (i % 2 ? 0.9 : -0.9), 0.0});
  const SecondaryStructure h = ca_secondary_structure(ca_chain(helix)), lone = ca_secondary_structure(ca_chain(strand)),
                           sheet = ca_secondary_structure(ca_chain(hairpin));
  EXPECT_DOUBLE_EQ(h.helix, 1.0);
  EXPECT_DOUBLE_EQ(h.strand, 0.0);
  EXPECT_DOUBLE_EQ(lone.strand, 0.0);  // extended but alone: coil
  EXPECT_DOUBLE_EQ(sheet.helix, 0.0);
  EXPECT_GE(sheet.strand, 0.7);        // all but the ends and the turn
  EXPECT_EQ(secondary_structure_class(h), "mostly helix");
  EXPECT_EQ(secondary_structure_class(sheet), "mostly strand");
  EXPECT_EQ(secondary_structure_class(lone), "mixed");
  EXPECT_EQ(secondary_structure_class({0.3, 0.2}), "mixed");
}

}  // namespace
}  // namespace tessera::protein
