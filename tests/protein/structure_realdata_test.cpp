// The reader on the real structures in ../shared/data/protein. Expected counts: Biopython's view of
// the same files (one residue per position, microheterogeneity as one disordered residue; first
// model), checked by hand against gemmi's Python module, which lists residue objects.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "domains/protein/structure_reader.h"

namespace tessera::protein {
namespace {

std::string data_dir(const std::string& name) { return std::string(TESSERA_SOURCE_DIR) + "/../shared/data/protein/" + name; }

#define SKIP_WITHOUT(path) \
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "real data not found: " << (path)

std::map<std::string, size_t> lengths_by_source_and_name(const StructureSet& set) {
  std::map<std::string, size_t> lengths;
  for (const ProteinChain& c : set.chains)
    lengths[std::filesystem::path(c.source).filename().string() + ":" + c.chain_id] = c.size();
  return lengths;
}

TEST(StructureRealData, BiopythonEdgeCasesReadOrAreSkippedByName) {
  const std::string dir = data_dir("biopython_tests");
  SKIP_WITHOUT(dir);
  const StructureSet set = read_structures(dir);
  std::set<std::string> skipped;
  for (const auto& [file, reason] : set.skipped) {
    skipped.insert(std::filesystem::path(file).filename().string());
    EXPECT_FALSE(reason.empty()) << file;
  }
  // MMTF (binary), an mmCIF without its data_ header, mmCIF fragments without atoms or author
  // numbering, a SCOP header without coordinates, chains of N atoms only, ions only.
  EXPECT_EQ(skipped, (std::set<std::string>{"1A8O.mmtf.gz", "4CUP.mmtf.gz", "4ZHL.mmtf.gz", "a_structure.cif.gz",
                                            "1MOM_min.cif", "4Q9R_min.cif", "7CFN_aligned.cif.gz", "1SSU_mod.cif",
                                            "1SSU_mod.pdb", "d256ba_.ent", "header.pdb", "ions.pdb"}));
  const auto lengths = lengths_by_source_and_name(set);
  const std::map<std::string, size_t> expected = {
      {"1A7G.cif.gz:E", 82},   {"1A8O.cif.gz:A", 70},  {"1A8O.pdb.gz:A", 70},  {"1AS5.cif.gz:A", 24},
      {"1LCD.cif.gz:A", 51},   {"1LCD.pdb.gz:A", 51},  {"2BEG.cif.gz:A", 26},  {"2BEG.pdb.gz:E", 26},
      {"2OFG.cif.gz:X", 106},  {"2XHE.cif.gz:A", 567}, {"2XHE.pdb.gz:B", 220}, {"2n0n_M1.pdb.gz:A", 11},
      {"3JQH.cif.gz:A", 23},   {"4CUP.cif.gz:A", 115}, {"4ZHL.cif.gz:U", 247}, {"4ZHL.cif.gz:P", 10},
      {"6WQA.cif.gz:A", 391},  {"7CFN.cif.gz:R", 274}, {"7DDO.pdb.gz:A", 597}, {"7DDO.pdb.gz:C", 194},
      {"disordered.pdb:A", 6}, {"occupancy.pdb:A", 1}, {"a_structure.pdb.gz:A", 1}};
  for (const auto& [key, length] : expected) {
    ASSERT_TRUE(lengths.count(key)) << key;
    EXPECT_EQ(lengths.at(key), length) << key;
  }
  EXPECT_EQ(set.chains.size(), 37u);
  // DNA chains B and C of 1LCD are not proteins.
  EXPECT_FALSE(lengths.count("1LCD.cif.gz:B"));
}

TEST(StructureRealData, ModifiedAndMicroheterogeneousResidues) {
  const std::string dir = data_dir("biopython_tests");
  SKIP_WITHOUT(dir);
  // 1A8O: four selenomethionines read as M; 2n0n: AIB (alpha-aminoisobutyric acid; gemmi says A) and
  // PH8 (not in gemmi's table, but with a backbone) are X; 3JQH: residue 15 is ARG/GLN/GLU.
  const auto mse = read_structure(dir + "/1A8O.pdb.gz").front();
  EXPECT_EQ(mse.modified_residues.size(), 4u);
  EXPECT_EQ(mse.modified_residues.front().substr(0, 4), "MSE ");
  EXPECT_EQ(mse.sequence.front(), 'M');
  const auto aib = read_structure(dir + "/2n0n_M1.pdb.gz").front();
  EXPECT_EQ(aib.sequence, "HAEGKFTSEFX");
  EXPECT_EQ(aib.modified_residues, (std::vector<std::string>{"AIB 2 -> A", "PH8 11 -> X"}));
  EXPECT_EQ(aib.insertion_codes[9], 'A');
  const auto mixed = read_structure(dir + "/3JQH.cif.gz").front();
  EXPECT_EQ(mixed.residue_numbers[0], 1);
  EXPECT_EQ(mixed.residue_numbers[1], 2);
  // The NMR ensemble 2BEG (10 models) and the X-ray entry give the same chain.
  const auto nmr = read_structure(dir + "/2BEG.cif.gz");
  const auto pdb = read_structure(dir + "/2BEG.pdb.gz");
  ASSERT_EQ(nmr.size(), 5u);
  EXPECT_EQ(nmr[0].sequence, pdb[0].sequence);
  EXPECT_NEAR(nmr[0].atoms[3][kCA][0], pdb[0].atoms[3][kCA][0], 1e-3);
}

TEST(StructureRealData, TcoffeeAndTheseusSetsAsTheirReadmeCounts) {
  const std::string tcoffee = data_dir("tcoffee_pdb"), trypsins = data_dir("theseus_trypsins");
  SKIP_WITHOUT(tcoffee);
  SKIP_WITHOUT(trypsins);
  for (const auto& [dir, chains, shortest, longest] :
       {std::tuple<std::string, size_t, size_t, size_t>{tcoffee, 56, 29, 516}, {trypsins, 189, 130, 299}}) {
    const StructureSet set = read_structures(dir);
    EXPECT_TRUE(set.skipped.empty()) << dir;
    ASSERT_EQ(set.chains.size(), chains) << dir;
    size_t lo = 1 << 30, hi = 0;
    for (const ProteinChain& c : set.chains) {
      lo = std::min(lo, c.size());
      hi = std::max(hi, c.size());
    }
    EXPECT_EQ(lo, shortest) << dir;
    EXPECT_EQ(hi, longest) << dir;
  }
}

}  // namespace
}  // namespace tessera::protein
