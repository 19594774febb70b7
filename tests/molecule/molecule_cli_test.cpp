// The molecule commands through the executable: train, predict and eval on a tiny generated CSV,
// and the bad-input table (one line, exit 2, no output file).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/checkpoint_tensors.h"
#include "tests/support/command.h"
#include "tests/support/one_line_error.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"
#include "tests/support/tiny_molecules.h"

namespace tessera::test_support {
namespace {

namespace fs = std::filesystem;

const char* kConfig = TESSERA_SOURCE_DIR "/tests/configs/molecule-tiny.yaml";

std::string tiny_csv() { return test_support::tiny_molecules_csv(); }

void write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

class MoleculeCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_.emplace("MoleculeCli");
    dir_ = scratch_->str();
    input_ = dir_ + "/tiny.csv";
    write(input_, tiny_csv());
    const auto r = run_tessera(std::string("train --config ") + kConfig + " --no-carbon --run-dir " + dir_ +
                               "/run --set data.path=" + input_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    checkpoint_ = dir_ + "/run/checkpoints/last.h5";
  }
  static void TearDownTestSuite() { scratch_.reset(); }
  // A training run on `csv` with extra --set flags; expects one line naming `expected`.
  static CommandResult train_on(const std::string& name, const std::string& csv, const std::string& sets = "") {
    const std::string path = dir_ + "/" + name;
    write(path, csv);
    return run_tessera(std::string("train --config ") + kConfig + " --no-carbon --run-dir " + dir_ + "/bad-" + name +
                       " --set data.path=" + path + " " + sets);
  }
  // Trains on `csv` with `sets`, then returns what `eval molecule` prints (null on a failure).
  static nlohmann::json train_and_eval(const std::string& name, const std::string& csv, const std::string& sets) {
    const std::string path = dir_ + "/" + name + ".csv", run = dir_ + "/" + name + "-run";
    write(path, csv);
    const auto t = run_tessera(std::string("train --config ") + kConfig + " --no-carbon --run-dir " + run +
                               " --set data.path=" + path + " " + sets);
    if (t.exit_code != 0) {
      ADD_FAILURE() << t.err;
      return nullptr;
    }
    const auto e = run_tessera("eval molecule --no-carbon --checkpoint " + run + "/checkpoints/last.h5 --input " + path);
    if (e.exit_code != 0) {
      ADD_FAILURE() << e.err;
      return nullptr;
    }
    return nlohmann::json::parse(e.out);
  }
  static inline std::optional<ScratchDir> scratch_;
  static inline std::string dir_, input_, checkpoint_;
};

TEST_F(MoleculeCli, PredictKeepsOrderAndIdsAndMarksUnparsableRows) {
  const std::string in = dir_ + "/library.csv", out = dir_ + "/predicted.csv";
  write(in, "smiles,name,y\nCCO,first,9\nC1CC,broken,9\nc1ccccc1,third,9\n");
  const auto r = run_tessera("predict molecule --no-carbon --checkpoint " + checkpoint_ + " --input " + in + " --output " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["failed"], 1);
  std::istringstream lines(slurp(out));
  std::string header, first, second, third;
  std::getline(lines, header);
  std::getline(lines, first);
  std::getline(lines, second);
  std::getline(lines, third);
  EXPECT_EQ(header, "id,smiles,y,error");  // input property columns are not copied
  EXPECT_EQ(first.rfind("first,CCO,", 0), 0u) << first;
  EXPECT_EQ(second, "broken,C1CC,,line 3: invalid SMILES 'C1CC'");
  EXPECT_EQ(third.rfind("third,c1ccccc1,", 0), 0u) << third;
}

// Chunks are read ahead by other threads while the model runs: the rows, their order and their
// values must not depend on where the chunks end.
TEST_F(MoleculeCli, PredictOutputDoesNotDependOnTheChunkSize) {
  const std::string in = dir_ + "/chunked.csv";
  write(in, tiny_csv() + "bad,C1CC,0.5\n" + tiny_csv().substr(tiny_csv().find('\n') + 1));
  std::string reference;
  for (const char* chunk : {"4096", "1", "3"}) {
    const std::string out = dir_ + "/chunked-" + chunk + ".csv";
    const auto r = run_tessera("predict molecule --no-carbon --checkpoint " + checkpoint_ + " --input " + in +
                               " --output " + out + " --chunk " + chunk);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["failed"], 1);
    if (reference.empty())
      reference = slurp(out);
    else
      EXPECT_EQ(slurp(out), reference) << "--chunk " << chunk;
  }
  EXPECT_NE(reference.find("invalid SMILES 'C1CC'"), std::string::npos);
}

// RDKit reads a SMILES only up to whitespace or a NUL and skips bytes it cannot read, so such a
// field would be predicted as another molecule: it is an invalid SMILES instead.
TEST_F(MoleculeCli, PredictMarksSmilesWithSpacesControlBytesOrNonAsciiAsInvalid) {
  const std::string in = dir_ + "/spaces.csv", out = dir_ + "/spaces-predicted.csv";
  write(in, "smiles,name\n\"CC O\",space\n\"CC\tO\",tab\nC\xC3\xA9" "C,accent\nCCO,fine\n");
  const auto r = run_tessera("predict molecule --no-carbon --checkpoint " + checkpoint_ + " --input " + in + " --output " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["failed"], 3) << slurp(out);
  EXPECT_NE(slurp(out).find("invalid SMILES 'CC O': holds a space, a control character or a non-ASCII byte"),
            std::string::npos) << slurp(out);
}

TEST_F(MoleculeCli, PredictReadsSmiWithoutIdColumnAndMarksTooLargeMolecules) {
  const std::string in = dir_ + "/library.smi", out = dir_ + "/predicted-smi.csv";
  write(in, "CCO ethanol\n" + std::string(40, 'C') + " long\n");
  const auto r = run_tessera("predict molecule --no-carbon --checkpoint " + checkpoint_ + " --input " + in + " --output " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string text = slurp(out);
  EXPECT_NE(text.find("\nethanol,CCO,"), std::string::npos) << text;
  EXPECT_NE(text.find("has 40 atoms, above the model's limit of 32"), std::string::npos) << text;
}

TEST_F(MoleculeCli, EvalPrintsModelBesideBaselines) {
  const std::string json = dir_ + "/scores.json";
  const auto r = run_tessera("eval molecule --no-carbon --checkpoint " + checkpoint_ + " --input " + input_ + " --json " + json);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(slurp(json));
  for (const char* metric : {"rmse", "mae", "r2", "spearman"}) {
    EXPECT_TRUE(j["model"].contains(metric)) << metric;
    for (const char* baseline : {"mean", "ridge_morgan", "ridge_descriptors"})
      EXPECT_TRUE(j["baselines"][baseline].contains(metric)) << baseline << " " << metric;
  }
  EXPECT_EQ(j["test_molecules"], 4);
  EXPECT_NE(r.err.find("ridge_morgan"), std::string::npos);
}

// Several targets: each scored on its own beside every baseline, and the top-level scores are
// their mean. The second target is missing for every other molecule.
// The molecules the tiny set's random split holds out of training (validation and test) without
// a value: eval printed 0.0 for every score, as if it had measured something.
TEST_F(MoleculeCli, EvalRefusesATestSplitWithoutAnyValue) {
  const std::set<std::string> held_out = {"m3", "m15", "m19", "m21", "m29", "m30", "m33", "m36"};
  std::string csv = "name,smiles,y\n";
  std::istringstream rows(tiny_csv());
  std::string row;
  std::getline(rows, row);
  while (std::getline(rows, row))
    csv += held_out.count(row.substr(0, row.find(','))) ? row.substr(0, row.rfind(',') + 1) + "\n" : row + "\n";
  const std::string path = dir_ + "/unscored.csv";
  write(path, csv);
  EXPECT_TRUE(one_line_error(run_tessera("eval molecule --no-carbon --checkpoint " + checkpoint_ + " --input " + path), 2,
                             "unscored.csv: the test split (4 molecules) holds no value of any target: nothing to score"));
}

TEST_F(MoleculeCli, EvalScoresEachTargetAndAveragesThem) {
  std::string csv = "name,smiles,y,z\n";
  std::istringstream rows(tiny_csv());
  std::string row;
  std::getline(rows, row);
  for (int i = 0; std::getline(rows, row); ++i) {
    const double y = std::stod(row.substr(row.rfind(',') + 1));
    csv += row + "," + (i % 2 ? "" : std::to_string(1.0 - 0.5 * y)) + "\n";
  }
  const nlohmann::json j = train_and_eval("two-targets", csv, "--set data.targets=[y,z]");
  ASSERT_TRUE(j.contains("per_target")) << j.dump();
  for (const char* scored : {"model", "mean", "ridge_morgan", "ridge_descriptors"}) {
    const nlohmann::json& y = j["per_target"]["y"][scored];
    const nlohmann::json& z = j["per_target"]["z"][scored];
    ASSERT_TRUE(y.is_object() && z.is_object()) << scored << ": " << j.dump();
    const nlohmann::json& mean = std::string(scored) == "model" ? j["model"] : j["baselines"][scored];
    // The mean over the targets where a score is defined: z's test values are too few to rank
    // or to have a variance (r2, spearman null), and a constant prediction ranks nothing.
    for (const char* metric : {"rmse", "mae", "r2", "spearman"}) {
      std::vector<double> defined;
      for (const nlohmann::json* t : {&y, &z})
        if ((*t)[metric].is_number()) defined.push_back((*t)[metric].get<double>());
      if (defined.empty()) {
        EXPECT_TRUE(mean[metric].is_null()) << scored << " " << metric;
        continue;
      }
      ASSERT_TRUE(mean[metric].is_number()) << scored << " " << metric;
      EXPECT_NEAR(mean[metric].get<double>(), std::accumulate(defined.begin(), defined.end(), 0.0) / static_cast<double>(defined.size()), 1e-12)
          << scored << " " << metric;
    }
  }
  EXPECT_TRUE(j["baselines"]["mean"]["spearman"].is_null()) << "a constant prediction has no ranking";
  EXPECT_NE(j["per_target"]["y"]["model"]["rmse"], j["per_target"]["z"]["model"]["rmse"]);
}

// Labels of the tiny set by a rule on its SMILES; one label missing.
std::string labelled_by(const std::function<bool(const std::string&)>& rule) {
  std::string csv = "name,smiles,y\n";
  std::istringstream rows(tiny_csv());
  std::string row;
  std::getline(rows, row);
  for (int i = 0; std::getline(rows, row); ++i) {
    const std::string smiles = row.substr(row.find(',') + 1, row.rfind(',') - row.find(',') - 1);
    csv += row.substr(0, row.rfind(',') + 1) + (i == 5 ? "" : rule(smiles) ? "1" : "0") + "\n";
  }
  return csv;
}

TEST_F(MoleculeCli, ClassificationTrainsAndScoresRocAndPrAuc) {
  // Class 1: a nitrogen or oxygen. The scaffold split's test molecules (the rings) hold both classes.
  const nlohmann::json j = train_and_eval("classes", labelled_by([](const std::string& s) {
    return s.find_first_of("NOno") != std::string::npos;
  }), "--set data.task=classification --set data.split=scaffold");
  EXPECT_EQ(j["split"], "scaffold");
  for (const char* metric : {"roc_auc", "pr_auc"}) {
    ASSERT_TRUE(j["model"][metric].is_number()) << j.dump();
    EXPECT_GE(j["model"][metric].get<double>(), 0.0);
    EXPECT_LE(j["model"][metric].get<double>(), 1.0);
    EXPECT_TRUE(j["baselines"]["ridge_morgan"][metric].is_number());
  }
  // Class 1: three or more carbons, which every ring of the test split has. ROC-AUC is undefined
  // there; it was reported as 0.5, a score that looked like a coin and entered means.
  const nlohmann::json one_class = train_and_eval("one-class", labelled_by([](const std::string& s) {
    return std::count(s.begin(), s.end(), 'C') + std::count(s.begin(), s.end(), 'c') >= 3;
  }), "--set data.task=classification --set data.split=scaffold");
  EXPECT_TRUE(one_class["model"]["roc_auc"].is_null()) << one_class.dump();
  EXPECT_TRUE(one_class["per_target"]["y"]["model"]["roc_auc"].is_null()) << one_class.dump();
  EXPECT_TRUE(one_class["baselines"]["mean"]["roc_auc"].is_null()) << one_class.dump();
  EXPECT_TRUE(one_line_error(train_on("halves.csv", "name,smiles,y\na,CC,0.5\nb,CCC,1\n", "--set data.task=classification"), 2,
                             "classification needs 0 or 1"));
}

TEST_F(MoleculeCli, ResumeDrawsTheSameBatchesAsAStraightRun) {
  const std::string train = std::string("train --config ") + kConfig + " --no-carbon --set data.path=" + input_ +
                            " --run-dir ";
  // Dropout on, so that the trunk's generator is part of what must be restored.
  const std::string dropout = " --set model.dropout=0.1";
  ASSERT_EQ(run_tessera(train + dir_ + "/straight" + dropout).exit_code, 0);
  ASSERT_EQ(run_tessera(train + dir_ + "/halves --max-steps 3" + dropout).exit_code, 0);
  const auto resumed = run_tessera(train + dir_ + "/halves --resume" + dropout);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  const auto straight = raw_tensors(dir_ + "/straight/checkpoints/last.h5"),
             continued = raw_tensors(dir_ + "/halves/checkpoints/last.h5");
  ASSERT_EQ(straight.size(), continued.size());
  for (const auto& [name, bytes] : straight) EXPECT_TRUE(bytes == continued.at(name)) << name << " differs after resume";
}

TEST_F(MoleculeCli, BadTrainingDataIsOneLine) {
  EXPECT_TRUE(one_line_error(train_on("empty.csv", ""), 2, "empty.csv: has no rows"));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/bad-empty.csv")) << "a refused run left its run directory and lock";
  EXPECT_TRUE(one_line_error(train_on("nosmiles.csv", "name,smi,y\na,CC,1\n"), 2, "has no SMILES column 'smiles'"));
  EXPECT_TRUE(one_line_error(train_on("notarget.csv", "name,smiles,z\na,CC,1\n"), 2, "has no target column 'y'"));
  EXPECT_TRUE(one_line_error(train_on("text.csv", "name,smiles,y\na,CC,high\nb,CCC,low\n"), 2,
                             "line 2: target 'y' is 'high', not a number"));
  EXPECT_TRUE(one_line_error(train_on("blank.csv", "name,smiles,y\na,CC,\nb,CCC,NA\n"), 2, "target 'y' has no numeric value"));
  EXPECT_TRUE(one_line_error(train_on("invalid.csv", "name,smiles,y\na,C1CC,1\nb,xyz,2\n"), 2,
                             "none of its 2 molecules is usable (line 2: invalid SMILES 'C1CC')"));
  EXPECT_TRUE(one_line_error(train_on("large.csv", "name,smiles,y\na," + std::string(40, 'C') + ",1\n"), 2,
                             "line 2: has 40 atoms, above the model's limit of 32 (model.max_atoms)"));
  EXPECT_TRUE(one_line_error(train_on("strict.csv", tiny_csv() + "z,C1CC,1\n", "--set data.on_invalid=error"), 2,
                             "line 42: invalid SMILES 'C1CC' (data.on_invalid: error)"));
  EXPECT_TRUE(one_line_error(train_on("twice.csv", tiny_csv(), "--set data.targets=[y,y]"), 2,
                             "data.targets: names 'y' twice"));
  EXPECT_TRUE(one_line_error(train_on("reserved.csv", "name,smiles,error\na,CC,1\n", "--set data.targets=[error]"), 2,
                             "data.targets: 'error' is a column predict writes (id, smiles, error); rename the target column"));
  EXPECT_TRUE(one_line_error(train_on("two-y.csv", "name,smiles,y,y\na,CC,1,2\n"), 2,
                             "two-y.csv: has two columns named 'y' (the target column): which one is meant?"));
  // The tiny set's random split holds m3 (CCCC) out of training: a target only it has trained on
  // nothing and predicted its initial guess.
  std::string held_out_only = "name,smiles,y,z\n";
  std::istringstream rows(tiny_csv());
  std::string row;
  std::getline(rows, row);
  while (std::getline(rows, row)) held_out_only += row + (row.rfind("m3,", 0) == 0 ? ",1.5\n" : ",\n");
  EXPECT_TRUE(one_line_error(train_on("held-out-only.csv", held_out_only, "--set data.targets=[y,z]"), 2,
                             "target 'z' has no value in the training split (32 molecules)"));
  EXPECT_TRUE(one_line_error(train_on("x.sdf", "ethanol\n  t\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n"
                                               "    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
                                               "M  END\n> <ACTIVITY>\n1\n\n$$$$\n"),
                             2, "no record has the property field 'y'"));
}

// Excel writes UTF-8 CSV with a byte-order mark; it must not become part of the first column's name.
TEST_F(MoleculeCli, FilesStartingWithAByteOrderMarkRead) {
  const std::string bom = "\xEF\xBB\xBF";
  const auto trained = train_on("bom.csv", bom + tiny_csv());
  EXPECT_EQ(trained.exit_code, 0) << trained.err;
  const std::string in = dir_ + "/bom.smi", out = dir_ + "/bom-predicted.csv";
  write(in, bom + "CCO ethanol\nCCC propane\n");
  const auto r = run_tessera("predict molecule --no-carbon --checkpoint " + checkpoint_ + " --input " + in + " --output " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["failed"], 0) << slurp(out);
}

// Ctrl-C (or a scheduler's SIGTERM) in the middle of a long predict removes the temporary output
// before the process ends, and leaves no output.
TEST_F(MoleculeCli, AnInterruptedPredictLeavesNoTemporaryFile) {
  const std::string in = dir_ + "/many.csv", out = dir_ + "/interrupted.csv";
  std::string rows = tiny_csv().substr(tiny_csv().find('\n') + 1), csv = tiny_csv();
  for (int i = 0; i < 5000; ++i) csv += rows;
  write(in, csv);
  const pid_t pid = test_support::spawn_tessera(
      "predict molecule --no-carbon --chunk 64 --checkpoint " + checkpoint_ + " --input " + in + " --output " + out,
      dir_ + "/interrupted.out", dir_ + "/interrupted.err");
  const std::string tmp = out + ".tmp-" + std::to_string(pid);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!fs::exists(tmp) && std::chrono::steady_clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_TRUE(fs::exists(tmp)) << "the temporary output never appeared: " << slurp(dir_ + "/interrupted.err");
  ::kill(pid, SIGINT);
  EXPECT_EQ(test_support::wait_for(pid, std::chrono::seconds(30)), 128 + SIGINT);
  EXPECT_FALSE(fs::exists(tmp)) << "the temporary output outlived the interruption";
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(MoleculeCli, EmptyFlagValuesAreRefusedByName) {
  const std::string predict = "predict molecule --no-carbon --output " + dir_ + "/never.csv";
  EXPECT_TRUE(one_line_error(run_tessera(predict + " --checkpoint " + checkpoint_ + " --input ''"), 2,
                             "--input: is empty; give a file path"));
  EXPECT_TRUE(one_line_error(run_tessera(predict + " --checkpoint '' --input " + input_), 2,
                             "--checkpoint: is empty; give a file path"));
  EXPECT_TRUE(one_line_error(run_tessera(predict + " --checkpoint " + checkpoint_ + " --input " + input_ + " --smiles-column ''"),
                             2, "--smiles-column: is empty; give a column name"));
  EXPECT_TRUE(one_line_error(run_tessera(predict + " --checkpoint " + checkpoint_ + " --input " + input_ + " --id-column ''"),
                             2, "--id-column: is empty; give a column name"));
  EXPECT_TRUE(one_line_error(run_tessera("eval molecule --no-carbon --checkpoint " + checkpoint_ + " --input ''"), 2,
                             "--input: is empty; give a file path"));
  EXPECT_FALSE(fs::exists(dir_ + "/never.csv"));
}

TEST_F(MoleculeCli, SkippedMoleculesAreCountedOnStderr) {
  const auto r = train_on("some-bad.csv", tiny_csv() + "z,C1CC,1\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("line 42: invalid SMILES 'C1CC'; skipped"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("skipped 1 of 41 molecules"), std::string::npos) << r.err;
}

TEST_F(MoleculeCli, BadPredictInputAndOutputsAreOneLineWithoutOutput) {
  const std::string predict = "predict molecule --no-carbon --checkpoint " + checkpoint_ + " --input ";
  const std::string empty = dir_ + "/empty-input.csv", out = dir_ + "/never.csv";
  write(empty, "");
  EXPECT_TRUE(one_line_error(run_tessera(predict + empty + " --output " + out), 2, "has no rows"));
  const std::string header_only = dir_ + "/header-only.csv";
  write(header_only, "smiles\n");
  EXPECT_TRUE(one_line_error(run_tessera(predict + header_only + " --output " + out), 2, "has no molecules"));
  const std::string no_smiles = dir_ + "/no-smiles.csv";
  write(no_smiles, "name\nx\n");
  EXPECT_TRUE(one_line_error(run_tessera(predict + no_smiles + " --output " + out), 2, "has no SMILES column 'smiles'"));
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_TRUE(one_line_error(run_tessera(predict + input_ + " --output " + input_), 2, "refusing to overwrite it"));
  EXPECT_EQ(slurp(input_), tiny_csv());
  EXPECT_TRUE(one_line_error(run_tessera(predict + input_ + " --output " + dir_), 2, dir_));
  EXPECT_TRUE(one_line_error(run_tessera(predict + input_ + " --output /dev/null"), 2, "/dev/null"));
  EXPECT_TRUE(one_line_error(run_tessera(predict + input_ + " --output " + dir_ + "/out.parquet"), 2, "give --output a .csv or .h5 name"));
  EXPECT_TRUE(one_line_error(run_tessera(predict + dir_ + "/absent.csv --output " + out), 2, "absent.csv"));
  EXPECT_TRUE(one_line_error(run_tessera(predict + "/dev/zero --output " + out), 2, "/dev/zero"));
  const std::string zero = dir_ + "/zero.csv";  // a device behind a table's name
  std::filesystem::create_symlink("/dev/zero", zero);
  EXPECT_TRUE(one_line_error(run_tessera(predict + zero + " --output " + out), 2, "zero.csv: is not a regular file"));
  // A --run-dir that cannot be a folder failed only after the predictions were written.
  EXPECT_TRUE(one_line_error(run_tessera("predict molecule --checkpoint " + checkpoint_ + " --input " + input_ + " --output " + out +
                                         " --run-dir " + input_ + "/reports"),
                             2, "cannot create the report folder: " + input_ + " is not a folder"));
  EXPECT_TRUE(one_line_error(run_tessera("predict molecule --checkpoint " + checkpoint_ + " --input " + input_ + " --output " + out +
                                         " --run-dir /dev/null"),
                             2, "/dev/null: is not a folder"));
  EXPECT_FALSE(std::filesystem::exists(out));
  const std::string fifo = dir_ + "/pipe.csv";  // without a writer, reading it blocked forever
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_TRUE(one_line_error(run_tessera(predict + fifo + " --output " + out), 2, "pipe.csv: is not a regular file"));
  EXPECT_TRUE(one_line_error(run_tessera("eval molecule --no-carbon --checkpoint " + checkpoint_ + " --input " + fifo), 2,
                             "pipe.csv: is not a regular file"));
  const std::string binary = dir_ + "/binary.smi";
  write(binary, std::string(3 << 20, '\x01'));
  EXPECT_TRUE(one_line_error(run_tessera(predict + binary + " --output " + out), 2, "line 1 is longer than 1 MiB"));
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
}  // namespace tessera::test_support
