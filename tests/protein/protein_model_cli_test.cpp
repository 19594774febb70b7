// The protein structure model as a user runs it: train on demo structures (t-coffee-examples),
// predict from PDB, FASTA and HDF5, evaluate beside the separation baseline; bad input is one
// error line, exit code 2, and no output.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "domains/protein/structure_reader.h"
#include "tests/protein/pdb_fixture.h"
#include "tests/support/command.h"
#include "tests/support/one_line_error.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"

namespace tessera::protein {
namespace {
namespace fs = std::filesystem;

using test_support::helix_chain;
using test_support::one_line_error;
using test_support::run_tessera;
using test_support::ScratchDir;
using test_support::slurp;
using test_support::write_text;

const std::string kExamples = "/usr/share/doc/t-coffee/examples";
// Short chains of different families (about 40 residues each): a fast training set.
const std::vector<std::string> kTrainingFiles = {"1D4V2.pdb.gz", "1EXT1.pdb.gz", "1EXT4.pdb.gz", "1XU12.pdb.gz",
                                                 "1XU21.pdb.gz", "2HEY4.pdb.gz", "2RPJ1.pdb.gz", "3ALQ2.pdb.gz",
                                                 "3IJ24.pdb.gz"};
const std::string kConfig = std::string(TESSERA_SOURCE_DIR) + "/tests/configs/protein-tiny.yaml";

// A C-alpha-only chain of `n` residues (no N, C or C-beta): unusable as a training target.
std::string ca_only_chain(int n) {
  std::string text;
  for (int i = 0; i < n; ++i) {
    test_support::PdbAtom a = test_support::polymer_atom("CA", "ALA", 'A', i + 1);
    a.xyz = {3.8 * i, 0.0, 0.0};
    a.element = "C";
    text += test_support::pdb_line(a);
  }
  return text;
}

void write_sequence_h5(const std::string& path, const std::vector<std::string>& ids,
                       const std::vector<std::string>& sequences) {
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  for (const auto& [name, values] : {std::pair{"ids", ids}, std::pair{"sequences", sequences}}) {
    size_t width = 1;
    for (const auto& v : values) width = std::max(width, v.size());
    std::string packed(width * values.size(), '\0');
    for (size_t i = 0; i < values.size(); ++i) packed.replace(i * width, values[i].size(), values[i]);
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, width);
    const hsize_t n = values.size();
    const hid_t space = H5Screate_simple(1, &n, nullptr);
    const hid_t ds = H5Dcreate2(file, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, packed.data());
    H5Dclose(ds);
    H5Sclose(space);
    H5Tclose(type);
  }
  H5Fclose(file);
}

std::vector<hsize_t> dataset_shape(const std::string& path, const char* name) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
  const hid_t space = H5Dget_space(ds);
  std::vector<hsize_t> dims(H5Sget_simple_extent_ndims(space));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  H5Sclose(space);
  H5Dclose(ds);
  H5Fclose(file);
  return dims;
}

std::vector<float> dataset_values(const std::string& path, const char* name) {
  std::vector<hsize_t> dims = dataset_shape(path, name);
  size_t n = 1;
  for (hsize_t d : dims) n *= d;
  std::vector<float> values(n);
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
  H5Dread(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  H5Dclose(ds);
  H5Fclose(file);
  return values;
}

class ProteinModelCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!fs::exists(kExamples + "/" + kTrainingFiles.front())) return;
    dir_ = std::make_unique<ScratchDir>("ProteinModelCli");
    fs::create_directories(dir_->path() / "structures");
    for (const std::string& f : kTrainingFiles) fs::copy_file(kExamples + "/" + f, dir_->path() / "structures" / f);
    const auto r = run_tessera("train --config " + kConfig + " --set data.path=" + (dir_->path() / "structures").string() +
                               " --run-dir " + (dir_->path() / "run").string() + " --no-carbon");
    train_ok_ = r.exit_code == 0;
    train_err_ = r.err;
  }
  static void TearDownTestSuite() { dir_.reset(); }
  void SetUp() override {
    if (!dir_) GTEST_SKIP() << "demo structures not found: " << kExamples << " (Debian package t-coffee-examples)";
    ASSERT_TRUE(train_ok_) << train_err_;
  }
  static std::string checkpoint() { return (dir_->path() / "run" / "checkpoints" / "last.h5").string(); }
  static std::string structures() { return (dir_->path() / "structures").string(); }

  ScratchDir scratch_;
  static std::unique_ptr<ScratchDir> dir_;
  static bool train_ok_;
  static std::string train_err_;
};
std::unique_ptr<ScratchDir> ProteinModelCli::dir_;
bool ProteinModelCli::train_ok_ = false;
std::string ProteinModelCli::train_err_;

TEST_F(ProteinModelCli, PredictsAPdbFileIntoAModelGemmiReadsAndAnHdf5File) {
  const std::string input = kExamples + "/1PPG.pdb.gz";
  const std::string out = (scratch_ / "out").string();
  const auto r = run_tessera("predict protein --checkpoint " + checkpoint() + " --input " + input + " --output-dir " + out +
                             " --no-carbon");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto result = nlohmann::json::parse(r.out);
  EXPECT_EQ(result["chains"], 1);
  const ProteinChain native = read_structure(input).front();
  const ProteinChain model = read_structure(out + "/1PPG_E.pdb").front();
  EXPECT_EQ(model.sequence, native.sequence);
  for (size_t i = 0; i < model.size(); ++i) ASSERT_TRUE(model.has(i, kCA)) << i;
  // pLDDT in the B-factor column (columns 61-66), 0-100
  const std::string text = slurp(out + "/1PPG_E.pdb");
  size_t atoms = 0;
  for (size_t at = text.find("\nATOM"); at != std::string::npos; at = text.find("\nATOM", at + 1), ++atoms) {
    const double b = std::stod(text.substr(at + 1 + 60, 6));
    EXPECT_GE(b, 0.0);
    EXPECT_LE(b, 100.0);
  }
  EXPECT_EQ(atoms, native.size());
  const std::string h5 = out + "/1PPG_E.h5";
  const auto L = static_cast<hsize_t>(native.size());
  EXPECT_EQ(dataset_shape(h5, "distogram"), (std::vector<hsize_t>{L, L, 64}));
  EXPECT_EQ(dataset_shape(h5, "contact_probabilities"), (std::vector<hsize_t>{L, L}));
  EXPECT_EQ(dataset_shape(h5, "expected_distances"), (std::vector<hsize_t>{L, L}));
  EXPECT_EQ(dataset_shape(h5, "plddt"), (std::vector<hsize_t>{L}));
  const std::vector<float> distogram = dataset_values(h5, "distogram");
  double total = 0;
  for (int b = 0; b < 64; ++b) total += distogram[(5 * L + 40) * 64 + b];
  EXPECT_NEAR(total, 1.0, 1e-4);
  for (float p : dataset_values(h5, "contact_probabilities")) {
    ASSERT_GE(p, 0.0f);
    ASSERT_LE(p, 1.0f);
  }
  // nothing but the outputs in the folder (the staging folder is gone)
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(out)) entries += e.is_regular_file() ? 1 : 100;
  EXPECT_EQ(entries, 2u);
}

TEST_F(ProteinModelCli, PredictsEveryFastaRecordAndEveryHdf5Sequence) {
  const std::string fasta = (scratch_ / "seqs.fasta").string();
  write_text(fasta, ">first protein one\nMKTAYIAKQR\nQISFVKSHFSRQ\n>second|x\nGSHMLEDPVDAFQLGT*\n");
  const std::string out = (scratch_ / "out").string();
  auto r = run_tessera("predict protein --checkpoint " + checkpoint() + " --input " + fasta + " --output-dir " + out +
                       " --no-carbon");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* f : {"first.pdb", "first.h5", "second_x.pdb", "second_x.h5"}) EXPECT_TRUE(fs::exists(out + "/" + f)) << f;
  EXPECT_EQ(read_structure(out + "/second_x.pdb").front().sequence, "GSHMLEDPVDAFQLGT");

  const std::string h5 = (scratch_ / "seqs.h5").string();
  write_sequence_h5(h5, {"a1", "b2"}, {"MKTAYIAKQRQISFV", "ACDEFGHIKLMNPQRSTVWY"});
  r = run_tessera("predict protein --checkpoint " + checkpoint() + " --input " + h5 + " --output-dir " + out +
                  " --no-carbon");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_structure(out + "/b2.pdb").front().sequence, "ACDEFGHIKLMNPQRSTVWY");
  EXPECT_EQ(dataset_shape(out + "/a1.h5", "plddt"), (std::vector<hsize_t>{15}));
}

TEST_F(ProteinModelCli, EvaluatesTheModelBesideTheSeparationBaseline) {
  const std::string json = (scratch_ / "eval.json").string();
  const auto r = run_tessera("eval protein --checkpoint " + checkpoint() + " --input " + structures() + " --json " + json);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j, nlohmann::json::parse(slurp(json)));
  EXPECT_EQ(j["chains"], kTrainingFiles.size());
  for (const char* side : {"model", "baseline"}) {
    ASSERT_EQ(j[side]["structures"].size(), kTrainingFiles.size()) << side;
    for (const char* key : {"lddt_ca", "tm_score", "gdt_ts", "rmsd"}) EXPECT_TRUE(j[side]["mean"][key].is_number()) << side << key;
    EXPECT_TRUE(j[side]["mean"]["contact_precision"]["long"].contains("p_at_l5")) << side;
    const double tm = j[side]["mean"]["tm_score"];
    EXPECT_GT(tm, 0.0);
    EXPECT_LE(tm, 1.0);
  }
  EXPECT_NE(r.err.find("baseline"), std::string::npos) << "the comparison table";
  const auto split = run_tessera("eval protein --checkpoint " + checkpoint() + " --input " + structures() + " --split test");
  ASSERT_EQ(split.exit_code, 0) << split.err;
  EXPECT_LT(nlohmann::json::parse(split.out)["chains"].get<size_t>(), kTrainingFiles.size());
}

// A model trained on several folders is scored on all of them in one run: the chains of every
// --input, each read once.
TEST_F(ProteinModelCli, EvaluatesSeveralInputsTogether) {
  fs::create_directories(scratch_ / "a");
  fs::create_directories(scratch_ / "b");
  for (size_t i = 0; i < kTrainingFiles.size(); ++i)
    fs::copy_file(structures() + "/" + kTrainingFiles[i], scratch_ / (i % 2 ? "a" : "b") / kTrainingFiles[i]);
  const auto r = run_tessera("eval protein --checkpoint " + checkpoint() + " --input " + (scratch_ / "a").string() + " " +
                             (scratch_ / "b").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["chains"], kTrainingFiles.size());
  EXPECT_EQ(j["input"].size(), 2u);
  const auto missing = run_tessera("eval protein --checkpoint " + checkpoint() + " --input " + (scratch_ / "a").string() + " " +
                                   (scratch_ / "nowhere").string());
  EXPECT_TRUE(one_line_error(missing, 2, "nowhere"));
  // Every input folder is an input: --json may not replace a structure in the second one.
  const std::string inside = (scratch_ / "b" / kTrainingFiles.front()).string();
  const std::string before = slurp(inside);
  const auto onto_input = run_tessera("eval protein --checkpoint " + checkpoint() + " --input " + (scratch_ / "a").string() +
                                      " " + (scratch_ / "b").string() + " --json " + inside);
  EXPECT_TRUE(one_line_error(onto_input, 2, kTrainingFiles.front()));
  EXPECT_EQ(slurp(inside), before);
  // A new file in an input folder too: the next run would read it as a structure and skip it.
  const std::string new_inside = (scratch_ / "b" / "scores.json").string();
  EXPECT_TRUE(one_line_error(run_tessera("eval protein --checkpoint " + checkpoint() + " --input " + (scratch_ / "a").string() +
                                         " " + (scratch_ / "b").string() + " --json " + new_inside),
                             2, "is inside the input folder"));
  EXPECT_FALSE(fs::exists(new_inside));
}

TEST_F(ProteinModelCli, BadPredictionInputIsOneLineAndNoOutput) {
  const std::string out = (scratch_ / "out").string();
  auto predict = [&](const std::string& input) {
    return run_tessera("predict protein --checkpoint " + checkpoint() + " --input " + input + " --output-dir " + out +
                       " --no-carbon");
  };
  auto file = [&](const std::string& name, const std::string& text) {
    const std::string p = (scratch_ / name).string();
    write_text(p, text);
    return p;
  };
  EXPECT_TRUE(one_line_error(predict(file("digits.fasta", ">ok\nACDEFGHIKLMN\n>bad one\nACDE1FGHIK\n")), 2,
                             "record 'bad': '1' at residue 5 is not an amino-acid letter"));
  EXPECT_TRUE(one_line_error(predict(file("empty.fasta", "")), 2, "holds no FASTA records"));
  EXPECT_TRUE(one_line_error(predict(file("headless.fasta", "ACDEFGHIKLMN\n")), 2, "before any '>' header"));
  EXPECT_TRUE(one_line_error(predict(file("short.fasta", ">p\nACDEFG\n")), 2, "fewer than 10"));
  EXPECT_TRUE(one_line_error(predict(file("twice.fasta", ">a\nACDEFGHIKLMN\n>a\nACDEFGHIKLMN\n")), 2, "appears twice"));
  EXPECT_TRUE(one_line_error(predict(file("noprotein.pdb", "HEADER    NOTHING HERE\nEND\n")), 2, "noprotein.pdb"));
  EXPECT_TRUE(one_line_error(predict(file("peptide.pdb", helix_chain({"ALA", "GLY", "SER", "LYS", "TRP"}, 'A'))), 2,
                             "fewer than 10"));
  const std::string whole = slurp(kExamples + "/1PPG.pdb.gz");
  EXPECT_TRUE(one_line_error(predict(file("truncated.pdb.gz", whole.substr(0, whole.size() / 2))), 2, "truncated.pdb.gz"));
  EXPECT_TRUE(one_line_error(predict(file("binary.h5", std::string("\x89HDF\r\n\x1a\n garbage", 17))), 2, "binary.h5"));
  const std::string h5 = (scratch_ / "noids.h5").string();
  write_sequence_h5(h5, {"a"}, {"ACDEFGHIKLMN"});
  const hid_t f = H5Fopen(h5.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  H5Ldelete(f, "ids", H5P_DEFAULT);
  H5Fclose(f);
  EXPECT_TRUE(one_line_error(predict(h5), 2, "has no 'ids' dataset"));
  EXPECT_TRUE(one_line_error(predict((scratch_ / "missing.fasta").string()), 2, "no such file"));
  const std::string fifo = (scratch_ / "pipe.fasta").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_TRUE(one_line_error(predict(fifo), 2, "is not a regular file"));
  EXPECT_FALSE(fs::exists(out)) << "a failed run leaves no output folder";
}

TEST_F(ProteinModelCli, OutputFolderRules) {
  const std::string input = kExamples + "/1D4V2.pdb.gz";
  auto predict = [&](const std::string& out_dir) {
    return run_tessera("predict protein --checkpoint " + checkpoint() + " --input " + input + " --output-dir '" + out_dir +
                       "' --no-carbon");
  };
  const std::string plain = (scratch_ / "file.txt").string();
  write_text(plain, "x");
  EXPECT_TRUE(one_line_error(predict(plain), 2, "is not a folder"));
  EXPECT_TRUE(one_line_error(predict("/dev/null"), 2, "/dev/null"));
  EXPECT_TRUE(one_line_error(predict((scratch_ / "no" / "such").string()), 2, "does not exist"));
  EXPECT_TRUE(one_line_error(predict(""), 2, "--output-dir"));
  // A trailing slash names the same new folder (it was refused: "folder 'new' does not exist").
  ASSERT_EQ(predict((scratch_ / "slashed").string() + "/").exit_code, 0);
  EXPECT_FALSE(fs::is_empty(scratch_ / "slashed"));
  // Predictions among the input structures would be read as inputs by the next run.
  fs::create_directories(scratch_ / "structures-in");
  fs::copy_file(input, scratch_ / "structures-in" / "1D4V2.pdb.gz");
  EXPECT_TRUE(one_line_error(run_tessera("predict protein --checkpoint " + checkpoint() + " --input " +
                                         (scratch_ / "structures-in").string() + " --output-dir " +
                                         (scratch_ / "structures-in").string() + " --no-carbon"),
                             2, "is inside the input folder"));
  // A record name too long for a file fails before any chain is predicted, also in a new folder.
  const std::string fasta = (scratch_ / "long-name.fasta").string();
  write_text(fasta, ">" + std::string(300, 'n') + "\nACDEFGHIKLMNPQRST\n");
  EXPECT_TRUE(one_line_error(run_tessera("predict protein --checkpoint " + checkpoint() + " --input " + fasta + " --output-dir " +
                                         (scratch_ / "new-for-long").string() + " --no-carbon"),
                             2, "file name is too long"));
  EXPECT_FALSE(fs::exists(scratch_ / "new-for-long"));
  // an existing folder is written into, earlier outputs replaced; an input is never replaced:
  // record "x" of x.h5 would become x.h5
  const std::string out = (scratch_ / "out").string();
  fs::create_directories(out);
  write_text(out + "/x.pdb", "an earlier output");
  const std::string h5 = out + "/x.h5";
  write_sequence_h5(h5, {"x"}, {"ACDEFGHIKLMN"});
  const std::string before = slurp(h5);
  auto from_h5 = [&] {
    return run_tessera("predict protein --checkpoint " + checkpoint() + " --input " + h5 + " --output-dir " + out +
                       " --no-carbon");
  };
  EXPECT_TRUE(one_line_error(from_h5(), 2, "refusing to overwrite"));
  EXPECT_EQ(slurp(h5), before);
  EXPECT_EQ(slurp(out + "/x.pdb"), "an earlier output") << "nothing written by a refused run";
  fs::rename(h5, scratch_ / "x.h5");
  ASSERT_EQ(run_tessera("predict protein --checkpoint " + checkpoint() + " --input " + (scratch_ / "x.h5").string() +
                        " --output-dir " + out + " --no-carbon").exit_code,
            0);
  EXPECT_NE(slurp(out + "/x.pdb"), "an earlier output");
}

// A run killed with kill -9 leaves its staging folder; the next run into the same place removes
// it, and leaves a live run's alone.
TEST_F(ProteinModelCli, StagingFoldersOfKilledRunsAreRemoved) {
  const fs::path out = scratch_ / "staged-out";
  fs::create_directories(out);
  const std::string dead = std::to_string(test_support::dead_pid()), live = std::to_string(::getpid());
  const fs::path inside = out / (".tessera-predict-" + dead + "-a1b2c3"), live_one = out / (".tessera-predict-" + live + "-d4e5f6");
  const fs::path beside = scratch_ / ("fresh-out.tessera-predict-" + dead + "-g7h8i9");
  for (const fs::path& p : {inside, live_one, beside}) {
    fs::create_directories(p);
    write_text((p / "x.pdb").string(), "half an output");
  }
  const std::string input = kExamples + "/1D4V2.pdb.gz";
  for (const fs::path& target : {out, scratch_ / "fresh-out"})
    ASSERT_EQ(run_tessera("predict protein --checkpoint " + checkpoint() + " --input " + input + " --output-dir " +
                          target.string() + " --no-carbon").exit_code,
              0);
  EXPECT_FALSE(fs::exists(inside));
  EXPECT_FALSE(fs::exists(beside));
  EXPECT_TRUE(fs::exists(live_one / "x.pdb")) << "a live process's staging folder was removed";
}

TEST_F(ProteinModelCli, EvalFlagsCombineOnlyOneWay) {
  EXPECT_TRUE(one_line_error(run_tessera("eval protein --checkpoint " + checkpoint()), 2, "--input"));
  EXPECT_TRUE(one_line_error(run_tessera("eval protein --checkpoint " + checkpoint() + " --input " + structures() +
                                         " --predictions " + structures()),
                             2, "--predictions"));
  EXPECT_TRUE(one_line_error(run_tessera("eval protein --checkpoint " + checkpoint() + " --input " + structures() +
                                         " --json " + checkpoint()),
                             2, "refusing to overwrite"));
}

TEST_F(ProteinModelCli, CAlphaOnlyTrainingTargetsAreRefusedOrSkippedByName) {
  const std::string ca_only = (scratch_ / "ca_only.pdb").string();
  write_text(ca_only, ca_only_chain(30));
  auto train = [&](const std::string& data) {
    return run_tessera("train --config " + kConfig + " --set data.path=" + data + " --run-dir " +
                       (scratch_ / "run").string() + " --no-carbon --max-steps 1");
  };
  EXPECT_TRUE(one_line_error(train(ca_only), 2, "C-alpha-only"));
  EXPECT_FALSE(fs::exists(scratch_ / "run" / "checkpoints" / "last.h5"));
  // in a folder, the file is skipped by name and the rest trains
  const fs::path folder = scratch_ / "mixed";
  fs::create_directories(folder);
  for (const std::string& f : kTrainingFiles) fs::copy_file(fs::path(structures()) / f, folder / f);
  fs::copy_file(ca_only, folder / "ca_only.pdb");
  const auto r = train(folder.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("skipped " + (folder / "ca_only.pdb").string() + ": chain A has C-alpha and C-beta positions for only 0"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace tessera::protein
