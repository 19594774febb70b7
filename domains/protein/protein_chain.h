#pragma once
// One protein chain as read from a structure file: what the protein model trains on and what the
// evaluator scores. Shared by every part of the protein domain (reader, model, evaluator).
#include <array>
#include <cmath>
#include <string>
#include <vector>

namespace tessera::protein {

enum ChainAtom { kN = 0, kCA = 1, kC = 2, kCB = 3 };
constexpr int kChainAtoms = 4;

using Point = std::array<double, 3>;

// Residues in file order; backbone atoms and C-beta (virtual C-beta for glycine, from N, CA, C) per
// residue; missing atoms are NaN and masked.
struct ProteinChain {
  std::string name;      // "<file stem>_<chain id>", e.g. "1abc_A" (file stem without .pdb/.cif/.gz); the stem alone for a blank id
  std::string source;    // the file it came from
  std::string chain_id;
  std::string sequence;  // one letter per residue (modified residues mapped to parent; unknown 'X')
  std::vector<int> residue_numbers;   // author numbering
  std::vector<char> insertion_codes;  // ' ' when none
  // [L] x {N, CA, C, CB} x xyz, NaN where missing
  std::vector<std::array<Point, kChainAtoms>> atoms;
  // Non-standard residues read as their parent, e.g. "MSE 12 -> M" (name, number+insertion, letter).
  std::vector<std::string> modified_residues;

  size_t size() const { return sequence.size(); }
  bool has(size_t residue, int atom) const { return !std::isnan(atoms[residue][atom][0]); }
};

// A point whose coordinates are all NaN: a missing atom.
Point missing_point();

// The C-beta position implied by ideal geometry from N, CA and C (AlphaFold's virtual C-beta):
// b = CA - N, c = C - CA, a = b x c, CB = -0.58273431 a + 0.56802827 b - 0.54067466 c + CA.
Point virtual_cbeta(const Point& n, const Point& ca, const Point& c);

}  // namespace tessera::protein
