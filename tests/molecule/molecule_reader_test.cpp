// Readers: CSV quoting and delimiters, FreeSolv's header-less `;` format, missing targets masked,
// invalid molecules reported by line and skipped or refused, SDF property fields.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <chrono>
#include <cmath>
#include <fstream>

#include "core/util/error.h"
#include "domains/molecule/chemistry.h"
#include "domains/molecule/molecule_set.h"
#include "tests/support/scratch_dir.h"

namespace tessera::molecule {
namespace {

using test_support::ScratchDir;

std::string write(const ScratchDir& dir, const std::string& name, const std::string& text) {
  const std::string path = (dir / name).string();
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::vector<MoleculeRecord> read_all(const std::string& path, const TableLayout& layout) {
  std::vector<MoleculeRecord> records;
  MoleculeRecord r;
  for (auto reader = open_molecules(path, layout, true); reader->next(r);) records.push_back(r);
  return records;
}

TableLayout layout(const std::string& smiles, const std::string& id, const std::vector<std::string>& targets) {
  TableLayout l;
  l.smiles_column = smiles;
  l.id_column = id;
  l.targets = targets;
  return l;
}

TEST(MoleculeReader, CsvQuotedFieldsKeepDelimitersQuotesAndLineBreaks) {
  ScratchDir dir;
  const std::string path = write(dir, "q.csv",
                                 "name,smiles,\"log s\"\n"
                                 "\"ethanol, dry\",CCO,-0.5\n"
                                 "\"say \"\"hi\"\"\",\"c1ccccc1\",1.25\r\n"
                                 "\"two\nlines\",CC,3\n");
  const auto records = read_all(path, layout("smiles", "name", {"log s"}));
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].id, "ethanol, dry");
  EXPECT_EQ(records[0].smiles, "CCO");
  EXPECT_DOUBLE_EQ(records[0].targets[0], -0.5);
  EXPECT_EQ(records[1].id, "say \"hi\"");
  EXPECT_EQ(records[1].line, 3);
  EXPECT_EQ(records[2].id, "two\nlines");
  EXPECT_EQ(records[2].line, 4);
  EXPECT_DOUBLE_EQ(records[2].targets[0], 3.0);
}

// Hostile-pass findings: each read as something else before, with exit 0.
TEST(MoleculeReader, CsvUnclosedQuoteRaggedRowsAndNulBytesAreNamed) {
  ScratchDir dir;
  // An unclosed quote swallowed every later row into one field.
  const std::string unclosed = write(dir, "unclosed.csv", "smiles,y\nCCO,1\n\"CC,2\nCCC,3\nCCCC,4\n");
  try {
    read_all(unclosed, layout("smiles", "", {"y"}));
    FAIL() << "an unclosed quote was read";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("the quote opened on line 3 is never closed"), std::string::npos) << e.what();
  }
  // A row with a field too many or too few is that row's error; the others read.
  const std::string ragged = write(dir, "ragged.csv", "smiles,y\nCCO,1\nCC,2,7\nCCC\nCCCC,4\n");
  const auto records = read_all(ragged, layout("smiles", "", {"y"}));
  ASSERT_EQ(records.size(), 4u);
  EXPECT_TRUE(records[0].error.empty());
  EXPECT_EQ(records[1].error, "has 3 fields where the header has 2");
  EXPECT_EQ(records[2].error, "has 1 field where the header has 2");
  EXPECT_TRUE(records[3].error.empty());
  // A value no 32-bit float holds made the first training loss infinite.
  const auto huge = read_all(write(dir, "huge.csv", "smiles,y\nCCO,1e200\nCC,-3e38\n"), layout("smiles", "", {"y"}));
  ASSERT_EQ(huge.size(), 2u);
  EXPECT_EQ(huge[0].error, "target 'y' is '1e200', not a number (or beyond +-3.4e38)");
  EXPECT_TRUE(huge[1].error.empty());
  // A NUL byte: binary data, or UTF-16 text.
  const std::string utf16 = write(dir, "utf16.csv", std::string("\xFF\xFEs\0m\0i\0l\0e\0s\0\n\0", 16));
  EXPECT_THROW(read_all(utf16, layout("smiles", "", {})), DataError);
  const std::string binary = write(dir, "binary.smi", std::string("CCO x\n\x7F" "ELF\0\x02\x01\n", 14));
  EXPECT_THROW(read_all(binary, layout("smiles", "", {})), DataError);
}

TEST(MoleculeReader, FreeSolvSemicolonsCommentsAndNamedColumns) {
  ScratchDir dir;
  const std::string path = write(dir, "freesolv.txt",
                                 "#Hydration free energy database\n"
                                 "# compound id; SMILES; iupac name; experimental value\n"
                                 "mobley_1; CCCCO; butan-1-ol; -4.72\n"
                                 "mobley_2; c1ccccc1; benzene; -0.90  \n");
  TableLayout l = layout("smiles", "id", {"expt"});
  l.columns = {"id", "smiles", "name", "expt"};
  const auto records = read_all(path, l);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].id, "mobley_1");
  EXPECT_EQ(records[0].smiles, "CCCCO");
  EXPECT_EQ(records[0].line, 3);
  EXPECT_DOUBLE_EQ(records[1].targets[0], -0.9);
}

TEST(MoleculeReader, MissingTargetsAreMaskedPerTarget) {
  ScratchDir dir;
  const std::string path = write(dir, "m.csv", "smiles,a,b\nCCO,1.5,\nCCN,NA,2\nCCC,nan,-1\n");
  const MoleculeSet set = load_molecule_set(path, layout("smiles", "", {"a", "b"}), {}, true);
  ASSERT_EQ(set.examples.size(), 3u);
  EXPECT_DOUBLE_EQ(set.examples[0].targets[0], 1.5);
  EXPECT_TRUE(std::isnan(set.examples[0].targets[1]));
  EXPECT_TRUE(std::isnan(set.examples[1].targets[0]));
  EXPECT_DOUBLE_EQ(set.examples[1].targets[1], 2.0);
  EXPECT_EQ(set.examples[1].id, "3");  // no id column: the line number
}

TEST(MoleculeReader, InvalidSmilesAreSkippedWithACountOrRefusedWithTheLine) {
  ScratchDir dir;
  const std::string path = write(dir, "bad.csv", "smiles,y\nCCO,1\nC1CC,2\nnot a molecule,3\nc1ccccc1,4\nCC,abc\n");
  const TableLayout l = layout("smiles", "", {"y"});
  const MoleculeSet set = load_molecule_set(path, l, {}, true);
  EXPECT_EQ(set.records, 5);
  EXPECT_EQ(set.skipped, 3);
  ASSERT_EQ(set.examples.size(), 2u);
  EXPECT_EQ(set.examples[1].line, 5);
  try {
    load_molecule_set(path, l, {}, false);
    FAIL() << "an invalid SMILES was accepted with on_invalid: error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("line 3: invalid SMILES 'C1CC'"), std::string::npos) << e.what();
  }
}

TEST(MoleculeReader, AtomLimitMakesAMoleculeInvalid) {
  ScratchDir dir;
  const std::string path = write(dir, "big.csv", "smiles,y\nCCCCCCCCCC,1\nCC,2\n");
  ExampleOptions options;
  options.max_atoms = 5;
  const MoleculeSet set = load_molecule_set(path, layout("smiles", "", {"y"}), options, true);
  EXPECT_EQ(set.skipped, 1);
  ASSERT_EQ(set.examples.size(), 1u);
  EXPECT_EQ(set.examples[0].smiles, "CC");
}

TEST(MoleculeReader, SmiNamesAndHeader) {
  ScratchDir dir;
  const std::string path = write(dir, "x.smi", "SMILES Name\nCCO ethanol\nc1ccccc1\tbenzene ring\nCC\n");
  TableLayout l;
  MoleculeRecord r;
  std::vector<MoleculeRecord> records;
  for (auto reader = open_molecules(path, l, false); reader->next(r);) records.push_back(r);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].id, "ethanol");
  EXPECT_EQ(records[1].id, "benzene ring");
  EXPECT_EQ(records[2].id, "4");
}

const char* kSdf =
    "ethanol\n  test\n\n  3  2  0  0  0  0  0  0  0  0999 V2000\n"
    "    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
    "    1.5000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
    "    2.0000    1.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0\n"
    "  1  2  1  0\n  2  3  1  0\nM  END\n> <ACTIVITY>\n6.5\n\n$$$$\n"
    "methane\n  test\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n"
    "    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\nM  END\n$$$$\n";

TEST(MoleculeReader, SdfPropertiesNamesAndMissingValues) {
  ScratchDir dir;
  const std::string path = write(dir, "x.sdf", kSdf);
  const auto records = read_all(path, layout("smiles", "", {"ACTIVITY"}));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].id, "ethanol");
  EXPECT_EQ(records[0].smiles, "CCO");
  EXPECT_DOUBLE_EQ(records[0].targets[0], 6.5);
  EXPECT_EQ(records[1].line, 2);
  EXPECT_TRUE(std::isnan(records[1].targets[0]));
  EXPECT_THROW(read_all(path, layout("smiles", "", {"IC50"})), DataError);
  // An unreadable last record keeps its number; blank lines after the last `$$$$` are no record.
  const std::string broken = write(dir, "broken.sdf", std::string(kSdf) + "junk\n\n$$$$\n\n\n");
  const auto with_junk = read_all(broken, layout("smiles", "", {"ACTIVITY"}));
  ASSERT_EQ(with_junk.size(), 3u);
  EXPECT_EQ(with_junk[2].line, 3);
  EXPECT_FALSE(with_junk[2].error.empty());
  // Without the `$$$$` between them RDKit read the first molecule of a record and dropped the next.
  std::string run_together(kSdf);
  run_together.erase(run_together.find("$$$$\n"), 5);
  try {
    read_all(write(dir, "joined.sdf", run_together), layout("smiles", "", {"ACTIVITY"}));
    FAIL() << "two molecules in one record were read as one";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("record 1 holds two molecules"), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_all(write(dir, "nul.sdf", std::string(kSdf) + std::string("x\0y\n$$$$\n", 9)), layout("smiles", "", {"ACTIVITY"})),
               DataError);
}

// A byte-order mark on a file without a final newline was kept: its only line ends at the end of
// the file, which skipped the cleaning every other line gets.
TEST(MoleculeReader, AByteOrderMarkGoesAlsoWithoutAFinalNewline) {
  ScratchDir dir;
  const auto smi = read_all(write(dir, "b.smi", "\xEF\xBB\xBF" "CCO ethanol\r"), layout("smiles", "", {}));
  ASSERT_EQ(smi.size(), 1u);
  EXPECT_EQ(smi[0].smiles, "CCO");
  EXPECT_EQ(smi[0].id, "ethanol");
  const auto sdf = read_all(write(dir, "b.sdf", "\xEF\xBB\xBF" + std::string(kSdf)), layout("smiles", "", {"ACTIVITY"}));
  ASSERT_EQ(sdf.size(), 2u);
  EXPECT_EQ(sdf[0].id, "ethanol");
}

// smiles (variable-length strings), name (fixed-length strings), y (doubles, one NaN).
void write_h5(const std::string& path, const std::vector<const char*>& smiles, hsize_t target_length) {
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  hsize_t n = smiles.size();
  hid_t space = H5Screate_simple(1, &n, nullptr);
  hid_t vlen = H5Tcopy(H5T_C_S1);
  H5Tset_size(vlen, H5T_VARIABLE);
  hid_t d = H5Dcreate2(file, "smiles", vlen, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(d, vlen, H5S_ALL, H5S_ALL, H5P_DEFAULT, smiles.data());
  H5Dclose(d);
  hid_t fixed = H5Tcopy(H5T_C_S1);
  H5Tset_size(fixed, 4);
  std::string names;
  for (hsize_t i = 0; i < n; ++i) names += "id" + std::to_string(i) + std::string(4 - 2 - std::to_string(i).size(), '\0');
  d = H5Dcreate2(file, "name", fixed, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(d, fixed, H5S_ALL, H5S_ALL, H5P_DEFAULT, names.data());
  H5Dclose(d);
  hid_t target_space = H5Screate_simple(1, &target_length, nullptr);
  std::vector<double> y(target_length, 1.5);
  y[1] = std::nan("");
  d = H5Dcreate2(file, "y", H5T_NATIVE_DOUBLE, target_space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, y.data());
  H5Dclose(d);
  H5Sclose(target_space);
  H5Tclose(fixed);
  H5Tclose(vlen);
  H5Sclose(space);
  H5Fclose(file);
}

TEST(MoleculeReader, Hdf5SmilesIdsAndTargetsWithNaNMissing) {
  ScratchDir dir;
  const std::string path = (dir / "x.h5").string();
  write_h5(path, {"CCO", "c1ccccc1", "C1CC"}, 3);
  const MoleculeSet set = load_molecule_set(path, layout("smiles", "name", {"y"}), {}, true);
  EXPECT_EQ(set.skipped, 1);
  ASSERT_EQ(set.examples.size(), 2u);
  EXPECT_EQ(set.examples[0].id, "id0");
  EXPECT_EQ(set.examples[1].smiles, "c1ccccc1");
  EXPECT_DOUBLE_EQ(set.examples[0].targets[0], 1.5);
  EXPECT_TRUE(std::isnan(set.examples[1].targets[0]));
  EXPECT_THROW(read_all(path, layout("smiles", "name", {"z"})), DataError);
  EXPECT_THROW(read_all(path, layout("smi", "", {"y"})), DataError);
  const std::string short_targets = (dir / "short.h5").string();
  write_h5(short_targets, {"CCO", "CC", "CCC"}, 2);
  EXPECT_THROW(read_all(short_targets, layout("smiles", "", {"y"})), DataError);
  EXPECT_THROW(read_all(write(dir, "fake.h5", "not hdf5"), layout("smiles", "", {"y"})), DataError);
}

// Null-padded fixed-length strings (h5py's) are cut at their padding only: "C\0C" was read as "C",
// methane, before.
TEST(MoleculeReader, Hdf5FixedLengthSmilesKeepAnInnerNul) {
  ScratchDir dir;
  const std::string path = (dir / "fixed.h5").string();
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hsize_t n = 2;
  const hid_t space = H5Screate_simple(1, &n, nullptr);
  const hid_t fixed = H5Tcopy(H5T_C_S1);
  H5Tset_size(fixed, 4);
  H5Tset_strpad(fixed, H5T_STR_NULLPAD);  // as h5py writes numpy's 'S' strings
  const char smiles[8] = {'C', '\0', 'C', '\0', 'C', 'C', '\0', '\0'};
  const hid_t d = H5Dcreate2(file, "smiles", fixed, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(d, fixed, H5S_ALL, H5S_ALL, H5P_DEFAULT, smiles);
  H5Dclose(d);
  H5Tclose(fixed);
  H5Sclose(space);
  H5Fclose(file);
  const MoleculeSet set = load_molecule_set(path, layout("smiles", "", {}), {}, true);
  EXPECT_EQ(set.skipped, 1);
  ASSERT_EQ(set.examples.size(), 1u);
  EXPECT_EQ(set.examples[0].smiles, "CC");
}

// Atoms are counted from the string before RDKit parses it (parsing a long chain takes time cubic
// in its length), and a molecule far above the atom limit is refused on that count: a 10 MB SMILES
// string in an HDF5 file kept predict busy for minutes.
TEST(Chemistry, AtomsAreCountedWithoutParsing) {
  EXPECT_EQ(smiles_atom_count("CCO"), 3);
  EXPECT_EQ(smiles_atom_count("c1ccccc1Cl"), 7);
  EXPECT_EQ(smiles_atom_count("BrC(Br)=O"), 4);
  EXPECT_EQ(smiles_atom_count("[Na+].[Cl-]"), 2);
  EXPECT_EQ(smiles_atom_count("C[C@@H](N)C(=O)O"), 6);
  EXPECT_EQ(smiles_atom_count("[2H]C([2H])([2H])[N+](=O)[O-]"), 7);
  EXPECT_EQ(smiles_atom_count("C%12CC%12"), 3);
  EXPECT_EQ(smiles_atom_count("[Na"), 1);
  EXPECT_EQ(smiles_atom_count("*CC*"), 4);
}

TEST(Chemistry, AStringFarAboveTheAtomLimitIsRefusedBeforeParsing) {
  ExampleOptions options;
  options.max_atoms = 128;
  MoleculeRecord record;
  record.smiles = std::string(size_t{10} << 20, 'C');
  std::string error;
  const auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(make_example(record, options, error));
  EXPECT_EQ(error, "has 10485760 atoms, above the model's limit of 128 (model.max_atoms)");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5)) << "it was parsed";
  record.smiles = std::string(10000, '*');  // wildcards are atoms too
  EXPECT_FALSE(make_example(record, options, error));
  EXPECT_EQ(error, "has 10000 atoms, above the model's limit of 128 (model.max_atoms)");
  record.smiles = std::string(200, 'C');  // within the margin: parsed, then refused on its true count
  EXPECT_FALSE(make_example(record, options, error));
  EXPECT_EQ(error, "has 200 atoms, above the model's limit of 128 (model.max_atoms)");
}

}  // namespace
}  // namespace tessera::molecule
