// The structure reader on files written here: one rule of the reader per test (docs/protein.md).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "core/util/error.h"
#include "domains/protein/structure_reader.h"
#include "tests/protein/pdb_fixture.h"
#include "tests/support/scratch_dir.h"

namespace tessera::protein {
namespace {

using test_support::helix_chain;
using test_support::het_atom;
using test_support::helix_residue;
using test_support::PdbAtom;
using test_support::pdb_line;
using test_support::ScratchDir;
using test_support::write_gzip;
using test_support::write_text;

std::vector<ProteinChain> read_text(const ScratchDir& dir, const std::string& text, const std::string& name = "x.pdb") {
  const std::string path = (dir / name).string();
  write_text(path, text);
  return read_structure(path);
}

std::string error_of(const std::string& path) {
  try {
    read_structure(path);
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), path);
    return e.what();
  }
  return "no error";
}

TEST(StructureReader, ChainsSequenceNumbersAndName) {
  ScratchDir dir;
  const auto chains = read_text(dir, helix_chain({"ALA", "GLY", "TRP"}, 'A', 10) + "TER\n" +
                                         helix_chain({"LYS", "SER"}, 'B') + "END\n", "1abc.pdb");
  ASSERT_EQ(chains.size(), 2u);
  EXPECT_EQ(chains[0].name, "1abc_A");
  EXPECT_EQ(chains[0].chain_id, "A");
  EXPECT_EQ(chains[0].sequence, "AGW");
  EXPECT_EQ(chains[0].residue_numbers, (std::vector<int>{10, 11, 12}));
  EXPECT_EQ(chains[0].insertion_codes, (std::vector<char>{' ', ' ', ' '}));
  EXPECT_EQ(chains[1].name, "1abc_B");
  EXPECT_EQ(chains[1].sequence, "KS");
  EXPECT_EQ(chains[0].source, (dir / "1abc.pdb").string());
  const auto ala = helix_residue("ALA", 'A', 10, 0);
  for (int a = 0; a < kChainAtoms; ++a)
    for (int k = 0; k < 3; ++k) EXPECT_NEAR(chains[0].atoms[0][a][k], ala[a].xyz[k], 1e-3);
}

TEST(StructureReader, GlycineGetsTheVirtualCbetaOthersKeepTheirs) {
  ScratchDir dir;
  const auto chain = read_text(dir, helix_chain({"GLY", "ALA"}, 'A')).front();
  const auto gly = helix_residue("GLY", 'A', 1, 0);
  const Point n{gly[0].xyz[0], gly[0].xyz[1], gly[0].xyz[2]};
  const Point ca{gly[1].xyz[0], gly[1].xyz[1], gly[1].xyz[2]};
  const Point c{gly[2].xyz[0], gly[2].xyz[1], gly[2].xyz[2]};
  // The formula by hand: b = CA - N, c = C - CA, a = b x c.
  const Point b{ca[0] - n[0], ca[1] - n[1], ca[2] - n[2]};
  const Point cc{c[0] - ca[0], c[1] - ca[1], c[2] - ca[2]};
  const Point a{b[1] * cc[2] - b[2] * cc[1], b[2] * cc[0] - b[0] * cc[2], b[0] * cc[1] - b[1] * cc[0]};
  for (int k = 0; k < 3; ++k)
    EXPECT_NEAR(chain.atoms[0][kCB][k], -0.58273431 * a[k] + 0.56802827 * b[k] - 0.54067466 * cc[k] + ca[k], 1e-3);
  // Ideal geometry puts C-beta 1.52-1.55 A from C-alpha.
  double d2 = 0;
  for (int k = 0; k < 3; ++k) d2 += std::pow(chain.atoms[0][kCB][k] - ca[k], 2);
  EXPECT_GT(std::sqrt(d2), 1.3);
  EXPECT_LT(std::sqrt(d2), 1.7);
  const auto ala = helix_residue("ALA", 'A', 2, 1);
  EXPECT_NEAR(chain.atoms[1][kCB][0], ala[3].xyz[0], 1e-3);
}

TEST(StructureReader, MissingAtomsAreNaNAndNothingIsInvented) {
  ScratchDir dir;
  std::string text;
  for (const PdbAtom& a : helix_residue("GLY", 'A', 1, 0))
    if (a.name != "C") text += pdb_line(a);  // no C: no frame for a virtual C-beta
  for (const PdbAtom& a : helix_residue("ALA", 'A', 2, 1))
    if (a.name != "CB") text += pdb_line(a);
  const auto chain = read_text(dir, text).front();
  EXPECT_FALSE(chain.has(0, kC));
  EXPECT_FALSE(chain.has(0, kCB));
  EXPECT_TRUE(chain.has(0, kCA));
  EXPECT_FALSE(chain.has(1, kCB));
  EXPECT_TRUE(chain.has(1, kC));
  EXPECT_TRUE(std::isnan(chain.atoms[1][kCB][2]));
}

TEST(StructureReader, NonFiniteCoordinatesAreMissingAtoms) {
  ScratchDir dir;
  std::string text;
  for (const PdbAtom& a : helix_residue("ALA", 'A', 1, 0)) {
    std::string line = pdb_line(a);
    if (a.name == "CA") line.replace(30, 8, "     inf");
    if (a.name == "CB") line.replace(38, 8, "     nan");
    text += line;
  }
  const auto chain = read_text(dir, text + helix_chain({"GLY"}, 'A', 2)).front();
  EXPECT_FALSE(chain.has(0, kCA));
  EXPECT_FALSE(chain.has(0, kCB));
  EXPECT_TRUE(chain.has(0, kN));
  EXPECT_TRUE(chain.has(1, kCA));
}

TEST(StructureReader, HighestOccupancyAltlocWins) {
  ScratchDir dir;
  std::string text;
  for (PdbAtom a : helix_residue("SER", 'A', 1, 0)) {
    a.altloc = 'A';
    a.occupancy = 0.3;
    text += pdb_line(a);
    a.altloc = 'B';
    a.occupancy = 0.7;
    a.xyz[0] += 1.0;
    text += pdb_line(a);
  }
  const auto chain = read_text(dir, text).front();
  ASSERT_EQ(chain.size(), 1u);
  EXPECT_NEAR(chain.atoms[0][kCA][0], helix_residue("SER", 'A', 1, 0)[1].xyz[0] + 1.0, 1e-3);
}

TEST(StructureReader, PointMutationKeepsTheBetterOccupiedResidue) {
  ScratchDir dir;
  std::string text = helix_chain({"ALA"}, 'A', 1);
  for (PdbAtom a : helix_residue("SER", 'A', 2, 1)) {
    a.altloc = 'A';
    a.occupancy = 0.4;
    text += pdb_line(a);
  }
  for (PdbAtom a : helix_residue("THR", 'A', 2, 1)) {
    a.altloc = 'B';
    a.occupancy = 0.6;
    text += pdb_line(a);
  }
  const auto chain = read_text(dir, text).front();
  EXPECT_EQ(chain.sequence, "AT");
}

TEST(StructureReader, InsertionCodesAreResiduesOfTheirOwn) {
  ScratchDir dir;
  std::string text;
  const char codes[3] = {' ', 'A', 'B'};
  for (int i = 0; i < 3; ++i)
    for (PdbAtom a : helix_residue("VAL", 'H', 52, i)) {
      a.insertion = codes[i];
      text += pdb_line(a);
    }
  const auto chain = read_text(dir, text).front();
  EXPECT_EQ(chain.sequence, "VVV");
  EXPECT_EQ(chain.residue_numbers, (std::vector<int>{52, 52, 52}));
  EXPECT_EQ(chain.insertion_codes, (std::vector<char>{' ', 'A', 'B'}));
}

TEST(StructureReader, ModifiedResiduesReadAsTheirParentAndAreReported) {
  ScratchDir dir;
  std::string text;
  int i = 0;
  for (const std::string name : {"MSE", "SEP", "ALA", "XYZ"})
    for (PdbAtom a : helix_residue(name, 'A', i + 1, i)) {
      a.hetatm = name != "ALA";
      text += pdb_line(a);
      if (a.name == "CA") ++i;
    }
  const auto chain = read_text(dir, text).front();
  EXPECT_EQ(chain.sequence, "MSAX");
  ASSERT_EQ(chain.modified_residues.size(), 3u);
  EXPECT_EQ(chain.modified_residues[0], "MSE 1 -> M");
  EXPECT_EQ(chain.modified_residues[2], "XYZ 4 -> X");
}

TEST(StructureReader, HetatmOnlyChainOfAminoAcidsIsAProtein) {
  ScratchDir dir;
  std::string text;
  for (int i = 0; i < 3; ++i)
    for (PdbAtom a : helix_residue("LEU", 'C', i + 1, i)) {
      a.hetatm = true;
      text += pdb_line(a);
    }
  EXPECT_EQ(read_text(dir, text).front().sequence, "LLL");
}

TEST(StructureReader, WaterIonsAndLigandsAreNotResidues) {
  ScratchDir dir;
  const PdbAtom water = het_atom("O", "HOH", 'A', 101);
  const PdbAtom calcium = het_atom("CA", "CA", 'A', 102);  // calcium: its atom is named like a C-alpha
  const auto chains = read_text(dir, helix_chain({"ALA", "ALA"}, 'A') + "TER\n" + pdb_line(water) + pdb_line(calcium));
  ASSERT_EQ(chains.size(), 1u);
  EXPECT_EQ(chains[0].sequence, "AA");
}

TEST(StructureReader, NmrEnsembleGivesTheFirstModel) {
  ScratchDir dir;
  std::string second;
  for (PdbAtom a : helix_residue("ALA", 'A', 1, 0)) {
    a.xyz[0] += 5;
    second += pdb_line(a);
  }
  const auto chains =
      read_text(dir, "MODEL        1\n" + helix_chain({"ALA"}, 'A') + "ENDMDL\nMODEL        2\n" + second + "ENDMDL\nEND\n");
  ASSERT_EQ(chains.size(), 1u);
  EXPECT_NEAR(chains[0].atoms[0][kCA][0], helix_residue("ALA", 'A', 1, 0)[1].xyz[0], 1e-3);
}

TEST(StructureReader, OldFormatJunkInColumns73To80AndNoElements) {
  ScratchDir dir;
  std::string text;
  int line = 0;
  for (int i = 0; i < 3; ++i)
    for (PdbAtom a : helix_residue("GLU", 'A', i + 1, i)) {
      a.element.clear();
      std::string l = pdb_line(a);
      l.pop_back();
      l.resize(72, ' ');
      char junk[16];
      std::snprintf(junk, sizeof junk, "%04dPROT", ++line);  // a card number where gemmi reads a segment id
      text += l + junk + "\n";
    }
  const auto chain = read_text(dir, text).front();
  EXPECT_EQ(chain.sequence, "EEE");
  EXPECT_TRUE(chain.has(2, kCB));
}

TEST(StructureReader, BlankChainIdNamesTheChainAfterTheFile) {
  ScratchDir dir;
  EXPECT_EQ(read_text(dir, helix_chain({"ALA"}, ' '), "d1xyz.ent").front().name, "d1xyz");
}

TEST(StructureReader, MmcifPlainAndGzipped) {
  ScratchDir dir;
  std::string cif =
      "data_test\nloop_\n_atom_site.group_PDB\n_atom_site.id\n_atom_site.type_symbol\n_atom_site.label_atom_id\n"
      "_atom_site.label_alt_id\n_atom_site.label_comp_id\n_atom_site.label_asym_id\n_atom_site.label_entity_id\n"
      "_atom_site.label_seq_id\n_atom_site.pdbx_PDB_ins_code\n_atom_site.Cartn_x\n_atom_site.Cartn_y\n"
      "_atom_site.Cartn_z\n_atom_site.occupancy\n_atom_site.B_iso_or_equiv\n_atom_site.auth_seq_id\n"
      "_atom_site.auth_asym_id\n_atom_site.pdbx_PDB_model_num\n";
  int id = 0;
  for (int i = 0; i < 2; ++i)
    for (const PdbAtom& a : helix_residue(i ? "GLY" : "MET", 'A', i + 5, i))
      cif += "ATOM " + std::to_string(++id) + " C " + a.name + " . " + a.residue + " A 1 " + std::to_string(i + 1) +
             " ? " + std::to_string(a.xyz[0]) + " " + std::to_string(a.xyz[1]) + " " + std::to_string(a.xyz[2]) +
             " 1.0 20.0 " + std::to_string(i + 5) + " Z 1\n";
  for (const std::string name : {"2xyz.cif", "3xyz.cif.gz"}) {
    const std::string path = (dir / name).string();
    if (name.size() > 8) write_gzip(path, cif); else write_text(path, cif);
    const auto chains = read_structure(path);
    ASSERT_EQ(chains.size(), 1u) << name;
    EXPECT_EQ(chains[0].name, structure_stem(name) + "_Z");
    EXPECT_EQ(chains[0].sequence, "MG");
    EXPECT_EQ(chains[0].residue_numbers, (std::vector<int>{5, 6}));
    EXPECT_TRUE(chains[0].has(1, kCB));
  }
}

TEST(StructureReader, TheExtensionNamesTheFormatAndOtherNamesAreSniffed) {
  ScratchDir dir;
  const std::string pdb_text = helix_chain({"ALA", "CYS"}, 'A');
  EXPECT_EQ(read_text(dir, pdb_text, "model.txt").front().sequence, "AC");
  // PDB lines in a .cif file are a broken mmCIF file, not a PDB file to guess at.
  const std::string misnamed = (dir / "misnamed.cif").string();
  write_text(misnamed, pdb_text);
  EXPECT_THROW(read_structure(misnamed), InputError);
  const std::string mmtf = (dir / "1abc.mmtf.gz").string();
  write_gzip(mmtf, "binary");
  EXPECT_EQ(error_of(mmtf), "binary MMTF / BinaryCIF is not read; convert it to mmCIF or PDB (e.g. gemmi convert)");
}

TEST(StructureReader, GzippedPdb) {
  ScratchDir dir;
  const std::string path = (dir / "4abc.pdb.gz").string();
  write_gzip(path, helix_chain({"ARG", "ASP"}, 'A'));
  EXPECT_EQ(read_structure(path).front().sequence, "RD");
}

TEST(StructureReader, StemDropsFolderCompressionAndFormat) {
  EXPECT_EQ(structure_stem("a/b/1abc.pdb.gz"), "1abc");
  EXPECT_EQ(structure_stem("model_1.cif"), "model_1");
  EXPECT_EQ(structure_stem("x.y.pdb"), "x.y");
  EXPECT_EQ(structure_stem("noext"), "noext");
}

TEST(StructureReaderBadInput, EachFailureIsOneInputErrorNamingTheFile) {
  ScratchDir dir;
  const std::string empty = (dir / "empty.pdb").string(), text = (dir / "notes.pdb").string(),
                    water = (dir / "water.pdb").string(), truncated = (dir / "cut.pdb.gz").string(),
                    binary = (dir / "bin.cif").string(), cif = (dir / "bad.cif").string();
  write_text(empty, "");
  write_text(text, "hello, this is not a structure\nat all\n");
  write_text(water, pdb_line(het_atom("O", "HOH", 'A', 1)));
  write_gzip(truncated, helix_chain({"ALA", "ALA", "ALA", "ALA", "ALA", "ALA", "ALA", "ALA"}, 'A'));
  std::filesystem::resize_file(truncated, std::filesystem::file_size(truncated) / 2);
  write_text(binary, std::string("\x1f\x8b\x08\0\xff\xfe\x01\x02garbage", 14));
  write_text(cif, "data_x\nloop_\n_atom_site.id\n_atom_site.Cartn_x\n1\n");
  EXPECT_EQ(error_of(empty), "is empty");
  EXPECT_EQ(error_of((dir / "absent.pdb").string()), "no such file");
  EXPECT_EQ(error_of(dir.str()), "is a folder; give a structure file");
  EXPECT_EQ(error_of("/dev/null"), "is not a regular file");
  EXPECT_EQ(error_of(text), "no protein chain (no amino-acid residue with a C-alpha atom)");
  EXPECT_EQ(error_of(water), "no protein chain (no amino-acid residue with a C-alpha atom)");
  EXPECT_NE(error_of(truncated), "no error");
  EXPECT_NE(error_of(binary), "no error");
  EXPECT_NE(error_of(cif), "no error");
  for (const std::string& path : {truncated, binary, cif}) {
    const std::string message = error_of(path);
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(StructureFolder, UnreadableFilesAreSkippedWithTheirReason) {
  ScratchDir dir;
  write_text((dir / "a.pdb").string(), helix_chain({"ALA", "ALA"}, 'A') + "TER\n" + helix_chain({"GLY"}, 'B'));
  write_text((dir / "b.pdb").string(), helix_chain({"SER"}, 'A'));
  write_text((dir / "broken.pdb").string(), "");
  write_text((dir / ".hidden.pdb").string(), "");
  std::filesystem::create_directory(dir / "sub");
  const StructureSet set = read_structures(dir.str());
  ASSERT_EQ(set.chains.size(), 3u);
  EXPECT_EQ(set.chains[0].name, "a_A");
  EXPECT_EQ(set.chains[1].name, "a_B");
  EXPECT_EQ(set.chains[2].name, "b_A");
  ASSERT_EQ(set.skipped.size(), 1u);
  EXPECT_EQ(set.skipped[0].first, (dir / "broken.pdb").string());
  EXPECT_EQ(set.skipped[0].second, "is empty");
}

TEST(StructureFolder, AFolderWithoutProteinsOrAbsentIsAnError) {
  ScratchDir dir;
  EXPECT_THROW(read_structures((dir / "absent").string()), InputError);
  EXPECT_THROW(read_structures(dir.str()), InputError);  // empty folder
  write_text((dir / "x.pdb").string(), "junk\n");
  EXPECT_THROW(read_structures(dir.str()), InputError);
}

TEST(StructureFolder, ManyFilesInParallelKeepNameOrder) {
  ScratchDir dir;
  for (int i = 0; i < 40; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "s%02d.pdb", i);
    write_text((dir / name).string(), helix_chain(std::vector<std::string>(static_cast<size_t>(i % 7 + 1), "ALA"), 'A'));
  }
  const StructureSet set = read_structures(dir.str());
  ASSERT_EQ(set.chains.size(), 40u);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(set.chains[static_cast<size_t>(i)].size(), static_cast<size_t>(i % 7 + 1));
}

}  // namespace
}  // namespace tessera::protein
