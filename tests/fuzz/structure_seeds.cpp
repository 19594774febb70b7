#include "tests/fuzz/structure_seeds.h"

#include <cstdio>

namespace tessera::fuzz {
namespace {

struct SeedAtom {
  const char* name;
  const char* element;
  double x, y, z;
};

// N, CA, C, O, CB of each residue along a straight strand, 3.8 Å apart; residue 2 is a glycine
// (no CB) with an alternate location, residue 3 a selenomethionine (a modified residue).
const char* const kResidues[3] = {"ALA", "GLY", "MSE"};
const SeedAtom kAtoms[5] = {{"N", "N", -1.2, 0.5, 0}, {"CA", "C", 0, 0, 0}, {"C", "C", 1.3, 0.6, 0},
                            {"O", "O", 1.4, 1.8, 0},  {"CB", "C", 0, -1.5, 0.2}};

}  // namespace

std::string tripeptide_pdb() {
  std::string text = "HEADER    FUZZ SEED\nCRYST1   20.000   20.000   20.000  90.00  90.00  90.00 P 1           1\n";
  char line[96];
  int serial = 1;
  for (int r = 0; r < 3; ++r)
    for (const SeedAtom& a : kAtoms) {
      if (r == 1 && a.name[1] == 'B') continue;
      const char altloc = r == 1 && a.name[1] == 'A' ? 'A' : ' ';
      std::snprintf(line, sizeof line, "%-6s%5d %-4s%c%3s A%4d    %8.3f%8.3f%8.3f%6.2f%6.2f          %2s\n",
                    r == 2 ? "HETATM" : "ATOM", serial++, a.name, altloc, kResidues[r], r + 1, a.x + 3.8 * r, a.y, a.z,
                    altloc == 'A' ? 0.6 : 1.0, 20.0, a.element);
      text += line;
    }
  text += "TER\nEND\n";
  return text;
}

std::string tripeptide_mmcif() {
  std::string text =
      "data_SEED\nloop_\n_atom_site.group_PDB\n_atom_site.id\n_atom_site.type_symbol\n_atom_site.label_atom_id\n"
      "_atom_site.label_alt_id\n_atom_site.label_comp_id\n_atom_site.label_asym_id\n_atom_site.label_seq_id\n"
      "_atom_site.pdbx_PDB_ins_code\n_atom_site.Cartn_x\n_atom_site.Cartn_y\n_atom_site.Cartn_z\n"
      "_atom_site.occupancy\n_atom_site.B_iso_or_equiv\n_atom_site.auth_seq_id\n_atom_site.auth_asym_id\n"
      "_atom_site.pdbx_PDB_model_num\n";
  char line[160];
  int serial = 1;
  for (int r = 0; r < 3; ++r)
    for (const SeedAtom& a : kAtoms) {
      if (r == 1 && a.name[1] == 'B') continue;
      std::snprintf(line, sizeof line, "%s %d %s %s %s %s A %d ? %.3f %.3f %.3f 1.00 20.0 %d A 1\n",
                    r == 2 ? "HETATM" : "ATOM", serial++, a.element, a.name, r == 1 ? "A" : ".", kResidues[r], r + 1,
                    a.x + 3.8 * r, a.y, a.z, r + 1);
      text += line;
    }
  return text;
}

}  // namespace tessera::fuzz
