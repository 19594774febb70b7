// predict molecule --output y.h5 through the executable: the same values as the CSV output, failed
// rows as NaN with their reason, the file read back as an input, and the output rules (never the
// input, never a FIFO or folder, no file at all after a failure).
#include <gtest/gtest.h>
#include <hdf5.h>
#include <sys/stat.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "tests/support/command.h"
#include "tests/support/one_line_error.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"
#include "tests/support/tiny_molecules.h"

namespace tessera::test_support {
namespace {

const char* kConfig = TESSERA_SOURCE_DIR "/tests/configs/molecule-tiny.yaml";

void write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

std::vector<std::string> split_csv_row(const std::string& row) {  // the rows below hold no quotes
  std::vector<std::string> fields;
  std::stringstream in(row);
  std::string field;
  while (std::getline(in, field, ',')) fields.push_back(field);
  if (!row.empty() && row.back() == ',') fields.emplace_back();
  return fields;
}

std::vector<std::vector<std::string>> csv_rows(const std::string& path) {
  std::istringstream lines(slurp(path));
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(lines, line);) rows.push_back(split_csv_row(line));
  return rows;
}

std::vector<std::string> h5_strings(hid_t file, const char* name) {
  const hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
  EXPECT_GE(d, 0) << name;
  const hid_t space = H5Dget_space(d);
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space, &n, nullptr);
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  std::vector<char*> raw(n);
  EXPECT_GE(H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()), 0) << name;
  std::vector<std::string> out;
  for (char* s : raw) out.emplace_back(s ? s : "");
  H5Dvlen_reclaim(type, space, H5P_DEFAULT, raw.data());
  H5Tclose(type);
  H5Sclose(space);
  H5Dclose(d);
  return out;
}

std::vector<double> h5_numbers(hid_t file, const char* name) {
  const hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
  EXPECT_GE(d, 0) << name;
  const hid_t space = H5Dget_space(d);
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space, &n, nullptr);
  std::vector<double> out(n);
  EXPECT_GE(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), 0) << name;
  H5Sclose(space);
  H5Dclose(d);
  return out;
}

class MoleculePredictH5 : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_.emplace("MoleculePredictH5");
    dir_ = scratch_->str();
    const std::string input = dir_ + "/tiny.csv";
    write(input, tiny_molecules_csv());
    const auto r = run_tessera(std::string("train --config ") + kConfig + " --no-carbon --run-dir " + dir_ +
                               "/run --set data.path=" + input);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    predict_ = "predict molecule --no-carbon --checkpoint " + dir_ + "/run/checkpoints/last.h5 --input ";
    library_ = dir_ + "/library.csv";
    write(library_, "smiles,name,y\nCCO,first,9\nC1CC,broken,9\nc1ccccc1,third,9\nCC(=O)O,fourth,9\n");
  }
  static void TearDownTestSuite() { scratch_.reset(); }
  static inline std::optional<ScratchDir> scratch_;
  static inline std::string dir_, predict_, library_;
};

TEST_F(MoleculePredictH5, HoldsTheCsvValuesInInputOrderWithFailedRowsAsNaN) {
  const std::string csv = dir_ + "/predicted.csv", h5 = dir_ + "/predicted.h5";
  ASSERT_EQ(run_tessera(predict_ + library_ + " --output " + csv).exit_code, 0);
  const auto r = run_tessera(predict_ + library_ + " --output " + h5);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = csv_rows(csv);
  ASSERT_EQ(rows.size(), 5u);
  const hid_t file = H5Fopen(h5.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  const auto ids = h5_strings(file, "ids"), smiles = h5_strings(file, "smiles"), errors = h5_strings(file, "error");
  const auto y = h5_numbers(file, "y");
  H5Fclose(file);
  ASSERT_EQ(ids.size(), 4u);
  ASSERT_EQ(y.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    const auto& row = rows[i + 1];  // id, smiles, y, error
    EXPECT_EQ(ids[i], row[0]);
    EXPECT_EQ(smiles[i], row[1]);
    EXPECT_EQ(errors[i], row[3]);
    if (row[2].empty())
      EXPECT_TRUE(std::isnan(y[i])) << i;
    else
      EXPECT_NEAR(y[i], std::stod(row[2]), 1e-5 * std::max(1.0, std::fabs(y[i]))) << i;
  }
  EXPECT_TRUE(std::isnan(y[1]));
  EXPECT_EQ(errors[1], "line 3: invalid SMILES 'C1CC'");
  EXPECT_TRUE(errors[0].empty());
}

TEST_F(MoleculePredictH5, IsReadBackAsAnInput) {
  const std::string h5 = dir_ + "/first.h5", again = dir_ + "/again.csv", direct = dir_ + "/direct.csv";
  ASSERT_EQ(run_tessera(predict_ + library_ + " --output " + h5).exit_code, 0);
  ASSERT_EQ(run_tessera(predict_ + library_ + " --output " + direct).exit_code, 0);
  const auto r = run_tessera(predict_ + h5 + " --id-column ids --output " + again);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto first = csv_rows(direct), second = csv_rows(again);
  ASSERT_EQ(first.size(), second.size());
  for (size_t i = 0; i < first.size(); ++i) {  // errors name lines of the CSV, records of the HDF5 file
    EXPECT_EQ(std::vector<std::string>(first[i].begin(), first[i].begin() + 3),
              std::vector<std::string>(second[i].begin(), second[i].begin() + 3));
  }
  EXPECT_EQ(second[2][3], "record 2: invalid SMILES 'C1CC'");
}

TEST_F(MoleculePredictH5, RefusesTheInputAFifoOrAFolderAsOutput) {
  const std::string h5 = dir_ + "/input.h5";
  ASSERT_EQ(run_tessera(predict_ + library_ + " --output " + h5).exit_code, 0);
  const std::string before = slurp(h5);
  EXPECT_TRUE(one_line_error(run_tessera(predict_ + h5 + " --id-column ids --output " + h5), 2, "refusing to overwrite it"));
  EXPECT_EQ(slurp(h5), before);
  const std::string fifo = dir_ + "/fifo.h5";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_TRUE(one_line_error(run_tessera(predict_ + library_ + " --output " + fifo), 2, fifo));
  const std::string folder = dir_ + "/folder.h5";
  std::filesystem::create_directory(folder);
  EXPECT_TRUE(one_line_error(run_tessera(predict_ + library_ + " --output " + folder), 2, folder));
  std::filesystem::remove(fifo);
  std::filesystem::remove(folder);
}

TEST_F(MoleculePredictH5, LeavesNoFileWhenTheRunFails) {
  const std::string header_only = dir_ + "/header-only.csv", out = dir_ + "/never.h5";
  write(header_only, "smiles\n");
  const auto before = std::distance(std::filesystem::directory_iterator(dir_), std::filesystem::directory_iterator());
  // Fails after the temporary HDF5 file was created: the input has no molecules.
  EXPECT_TRUE(one_line_error(run_tessera(predict_ + header_only + " --output " + out), 2, "has no molecules"));
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_), std::filesystem::directory_iterator()), before);
}

}  // namespace
}  // namespace tessera::test_support
