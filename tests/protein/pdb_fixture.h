#pragma once
// Small structure files written by the tests themselves: PDB lines with exact columns, a helix-like
// backbone, and plain or gzipped files.
#include <array>
#include <string>
#include <vector>

namespace tessera::test_support {

struct PdbAtom {
  std::string name;          // "N", "CA", "C", "CB", "O" ...
  std::string residue;       // "ALA"
  char chain = 'A';
  int number = 1;
  char insertion = ' ';
  std::array<double, 3> xyz{};
  double occupancy = 1.0;
  char altloc = ' ';
  bool hetatm = false;
  std::string element;       // columns 77-78; empty leaves them out
};

// An ATOM record at the origin.
PdbAtom polymer_atom(const std::string& name, const std::string& residue, char chain, int number);
// A HETATM of a non-polymer (water, ion, ligand) at the origin.
PdbAtom het_atom(const std::string& name, const std::string& residue, char chain, int number);

// One ATOM/HETATM line, 80 columns when the element is given (66 otherwise).
std::string pdb_line(const PdbAtom& atom);

// N, CA, C (and CB unless glycine) for residue `index` of an ideal-ish alpha helix along z, so that
// consecutive residues are 3.8 A apart and geometry is realistic.
std::vector<PdbAtom> helix_residue(const std::string& residue, char chain, int number, int index);

// A chain of the given three-letter residues numbered from `first`, as PDB lines.
std::string helix_chain(const std::vector<std::string>& residues, char chain, int first = 1);

// A C-alpha-only chain A: residue i at ca[i], numbered numbers[i] with insertion code icodes[i].
std::string ca_trace_pdb(const std::vector<std::array<double, 3>>& ca, const std::vector<int>& numbers,
                         const std::vector<char>& icodes);

void write_text(const std::string& path, const std::string& text);
void write_gzip(const std::string& path, const std::string& text);

}  // namespace tessera::test_support
