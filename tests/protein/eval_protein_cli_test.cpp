// `tessera eval protein` as a user runs it: one JSON line on stdout (and the --json file), a table
// on stderr; bad input is one error line, exit code 2, and no output file.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/protein/pdb_fixture.h"
#include "tests/support/command.h"
#include "tests/support/one_line_error.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"

namespace tessera::protein {
namespace {

using test_support::helix_chain;
using test_support::one_line_error;
using test_support::PdbAtom;
using test_support::run_tessera;
using test_support::ScratchDir;
using test_support::write_gzip;
using test_support::write_text;

const std::vector<std::string> kResidues(30, "ALA");

// The reference chain moved rigidly (shifted 7 A) with residue 3's C-alpha 2 A off: not identical,
// not far.
std::string perturbed_chain(char chain) {
  std::string text;
  for (size_t i = 0; i < kResidues.size(); ++i)
    for (PdbAtom a : test_support::helix_residue(kResidues[i], chain, static_cast<int>(i) + 1, static_cast<int>(i))) {
      a.xyz[1] += 7.0;
      if (i == 3 && a.name == "CA") a.xyz[0] += 2.0;
      text += test_support::pdb_line(a);
    }
  return text;
}

struct Fixture {
  ScratchDir dir;
  std::string path(const std::string& name) const { return (dir / name).string(); }
  std::string write(const std::string& name, const std::string& text) const {
    const std::string p = path(name);
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    write_text(p, text);
    return p;
  }
};

TEST(EvalProteinCli, ScoresOnePairAndWritesTheSameJson) {
  Fixture f;
  const std::string model = f.write("model.pdb", perturbed_chain('A'));
  const std::string reference = f.write("native.pdb", helix_chain(kResidues, 'A'));
  const auto r = run_tessera("eval protein --predictions " + model + " --references " + reference + " --json " +
                             f.path("scores.json"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j, nlohmann::json::parse(test_support::slurp(f.path("scores.json"))));
  ASSERT_EQ(j["structures"].size(), 1u);
  const auto& s = j["structures"][0];
  EXPECT_EQ(s["name"], "native");
  EXPECT_EQ(s["chain"], "A");
  EXPECT_EQ(s["n_residues"], 30);
  EXPECT_EQ(s["n_common"], 30);
  for (const char* key : {"lddt_ca", "tm_score", "gdt_ts", "gdt_ha"}) {
    EXPECT_GT(s[key].get<double>(), 0.8) << key;
    EXPECT_LT(s[key].get<double>(), 1.0) << key;
    EXPECT_EQ(j["mean"][key], s[key]) << key;
  }
  EXPECT_GT(s["rmsd"].get<double>(), 0.1);
  EXPECT_NE(r.err.find("mean (1 chains)"), std::string::npos) << r.err;
}

TEST(EvalProteinCli, IdenticalStructuresScorePerfectly) {
  Fixture f;
  const std::string reference = f.write("x.pdb", helix_chain(kResidues, 'A'));
  const auto r = run_tessera("eval protein --predictions " + reference + " --references " + reference);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto s = nlohmann::json::parse(r.out)["structures"][0];
  EXPECT_DOUBLE_EQ(s["tm_score"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(s["lddt_ca"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(s["gdt_ha"].get<double>(), 1.0);
  EXPECT_NEAR(s["rmsd"].get<double>(), 0.0, 1e-9);
}

TEST(EvalProteinCli, FoldersPairByNameAndChainsById) {
  Fixture f;
  // Chains written B then A in the model, A then B in the reference; a gzipped mmCIF-free pair.
  f.write("pred/two.pdb", helix_chain(kResidues, 'B') + "TER\n" + helix_chain({"GLY", "SER", "THR", "TRP", "TYR"}, 'A'));
  f.write("ref/two.pdb", helix_chain({"GLY", "SER", "THR", "TRP", "TYR"}, 'A') + "TER\n" + helix_chain(kResidues, 'B'));
  write_gzip(f.path("pred/one.pdb.gz"), perturbed_chain('Q'));
  f.write("ref/one.pdb", helix_chain(kResidues, 'A'));
  f.write("ref/unpredicted.pdb", helix_chain(kResidues, 'A'));
  f.write("pred/broken.pdb", "");
  const auto r = run_tessera("eval protein --predictions " + f.path("pred") + " --references " + f.path("ref"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["structures"].size(), 3u);
  // Files in name order; within "two", the model's chain order (B, A).
  EXPECT_EQ(j["structures"][0]["name"], "one");
  EXPECT_EQ(j["structures"][0]["chain"], "A");  // one chain each: ids need not match
  EXPECT_EQ(j["structures"][1]["chain"], "B");
  EXPECT_EQ(j["structures"][2]["chain"], "A");
  EXPECT_DOUBLE_EQ(j["structures"][1]["tm_score"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j["structures"][2]["gdt_ts"].get<double>(), 1.0);
  ASSERT_EQ(j["skipped"].size(), 1u);
  EXPECT_EQ(j["skipped"][0]["file"], f.path("pred/broken.pdb"));
  EXPECT_EQ(j["unpredicted_references"], nlohmann::json::array({"unpredicted_A"}));
  EXPECT_NE(r.err.find("tessera: skipped " + f.path("pred/broken.pdb") + ": is empty"), std::string::npos) << r.err;
}

TEST(EvalProteinCli, ABatchReportsAModelNumberedUnlikeItsReference) {
  Fixture f;
  f.write("pred/a.pdb", helix_chain(kResidues, 'A'));
  f.write("ref/a.pdb", helix_chain(kResidues, 'A'));
  f.write("pred/b.pdb", helix_chain(kResidues, 'A', 500));
  f.write("ref/b.pdb", helix_chain(kResidues, 'A'));
  const auto r = run_tessera("eval protein --predictions " + f.path("pred") + " --references " + f.path("ref"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["structures"].size(), 1u);
  ASSERT_EQ(j["skipped"].size(), 1u);
  EXPECT_NE(j["skipped"][0]["reason"].get<std::string>().find("no residue number in common"), std::string::npos);
}

struct BadInput {
  std::string name;
  std::string args;     // {dir} is the scratch folder
  std::string message;  // part of the one error line
};

class EvalProteinBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(EvalProteinBadInput, OneLineExitTwoNoOutput) {
  Fixture f;
  const std::string d = f.dir.str();
  f.write("ref.pdb", helix_chain(kResidues, 'A'));
  f.write("model.pdb", perturbed_chain('A'));
  f.write("empty.pdb", "");
  f.write("notes.pdb", "these are my notes, not a structure\n");
  f.write("water.pdb", test_support::pdb_line(test_support::het_atom("O", "HOH", 'A', 1)));
  f.write("renumbered.pdb", helix_chain(kResidues, 'A', 300));
  f.write("twochains.pdb", helix_chain(kResidues, 'A') + "TER\n" + helix_chain(kResidues, 'B'));
  f.write("otherchains.pdb", helix_chain(kResidues, 'C') + "TER\n" + helix_chain(kResidues, 'D'));
  f.write("pred/x.pdb", helix_chain(kResidues, 'A'));
  f.write("pred/x.ent", helix_chain(kResidues, 'A'));
  f.write("only_model/lonely.pdb", helix_chain(kResidues, 'A'));
  f.write("refs/ref.pdb", helix_chain(kResidues, 'A'));
  f.write("junk/a.pdb", "");
  f.write("junk/b.pdb", "no atoms\n");
  write_gzip(f.path("cut.pdb.gz"), helix_chain(kResidues, 'A'));
  std::filesystem::resize_file(f.path("cut.pdb.gz"), std::filesystem::file_size(f.path("cut.pdb.gz")) / 2);
  ASSERT_EQ(::mkfifo(f.path("fifo.pdb").c_str(), 0600), 0);
  std::filesystem::create_directory(f.path("emptydir"));
  const auto before = std::distance(std::filesystem::recursive_directory_iterator(d), {});

  std::string args = GetParam().args;
  for (size_t at; (at = args.find("{dir}")) != std::string::npos;) args.replace(at, 5, d);
  const auto r = run_tessera("eval protein " + args);
  EXPECT_TRUE(one_line_error(r, 2, GetParam().message)) << args;
  EXPECT_EQ(std::distance(std::filesystem::recursive_directory_iterator(d), {}), before) << "an output was left";
  EXPECT_FALSE(std::filesystem::exists(f.path("out.json")));
}

INSTANTIATE_TEST_SUITE_P(
    Table, EvalProteinBadInput,
    ::testing::Values(
        BadInput{"empty_file", "--predictions {dir}/empty.pdb --references {dir}/ref.pdb --json {dir}/out.json",
                 "empty.pdb: is empty"},
        BadInput{"truncated_gzip", "--predictions {dir}/cut.pdb.gz --references {dir}/ref.pdb",
                 "cut.pdb.gz: cannot be decompressed"},
        BadInput{"not_a_structure", "--predictions {dir}/model.pdb --references {dir}/notes.pdb",
                 "notes.pdb: no protein chain"},
        BadInput{"no_protein_chain", "--predictions {dir}/water.pdb --references {dir}/ref.pdb --json {dir}/out.json",
                 "water.pdb: no protein chain"},
        BadInput{"missing_file", "--predictions {dir}/absent.pdb --references {dir}/ref.pdb",
                 "absent.pdb: no such file or folder"},
        BadInput{"missing_folder", "--predictions {dir}/model.pdb --references {dir}/absent/",
                 "absent/: no such file or folder"},
        BadInput{"empty_folder", "--predictions {dir}/emptydir --references {dir}/ref.pdb", "the folder holds no files"},
        BadInput{"folder_of_junk", "--predictions {dir}/junk --references {dir}/ref.pdb",
                 "no file in the folder holds a protein chain"},
        BadInput{"fifo", "--predictions {dir}/fifo.pdb --references {dir}/ref.pdb", "fifo.pdb: is not a regular file"},
        BadInput{"device", "--predictions /dev/zero --references {dir}/ref.pdb", "/dev/zero: is not a regular file"},
        BadInput{"prediction_without_reference", "--predictions {dir}/only_model --references {dir}/refs",
                 "lonely.pdb: no reference structure is named 'lonely'"},
        BadInput{"chain_without_reference", "--predictions {dir}/twochains.pdb --references {dir}/otherchains.pdb",
                 "twochains.pdb: chain 'A' has no chain of that id in the reference"},
        BadInput{"no_residue_in_common", "--predictions {dir}/renumbered.pdb --references {dir}/ref.pdb --json {dir}/out.json",
                 "renumbered.pdb: chain 'A' has no residue number in common"},
        BadInput{"two_files_one_name", "--predictions {dir}/pred --references {dir}/refs", "has the same name 'x'"},
        BadInput{"json_onto_prediction",
                 "--predictions {dir}/model.pdb --references {dir}/ref.pdb --json {dir}/model.pdb",
                 "model.pdb: is an input file"},
        BadInput{"json_onto_reference", "--predictions {dir}/model.pdb --references {dir}/ref.pdb --json {dir}/ref.pdb",
                 "ref.pdb: is an input file"},
        BadInput{"json_onto_a_file_in_an_input_folder",
                 "--predictions {dir}/only_model --references {dir}/only_model --json {dir}/only_model/lonely.pdb",
                 "lonely.pdb: is an input file"},
        BadInput{"json_onto_a_folder", "--predictions {dir}/model.pdb --references {dir}/ref.pdb --json {dir}/emptydir",
                 "is a directory"},
        BadInput{"json_onto_a_device", "--predictions {dir}/model.pdb --references {dir}/ref.pdb --json /dev/null",
                 "is a character device"},
        BadInput{"json_in_a_missing_folder",
                 "--predictions {dir}/model.pdb --references {dir}/ref.pdb --json {dir}/absent/out.json",
                 "does not exist"},
        BadInput{"json_empty", "--predictions {dir}/model.pdb --references {dir}/ref.pdb --json ''", "--json: is empty"},
        BadInput{"no_references_flag", "--predictions {dir}/model.pdb", "--references: is required"}),
    [](const ::testing::TestParamInfo<BadInput>& info) { return info.param.name; });

}  // namespace
}  // namespace tessera::protein
