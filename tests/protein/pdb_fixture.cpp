#include "tests/protein/pdb_fixture.h"

#include <zlib.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace tessera::test_support {

std::string pdb_line(const PdbAtom& a) {
  // Names shorter than four characters start in column 14, as the PDB format aligns elements.
  const std::string name = a.name.size() < 4 ? " " + a.name : a.name;
  char line[96];
  std::snprintf(line, sizeof line, "%-6s%5d %-4s%c%3s %c%4d%c   %8.3f%8.3f%8.3f%6.2f%6.2f", a.hetatm ? "HETATM" : "ATOM",
                1, name.c_str(), a.altloc, a.residue.c_str(), a.chain, a.number, a.insertion, a.xyz[0], a.xyz[1], a.xyz[2],
                a.occupancy, 20.0);
  std::string text = line;
  if (!a.element.empty()) {
    char tail[24];
    std::snprintf(tail, sizeof tail, "          %2s  ", a.element.c_str());
    text += tail;
  }
  return text + "\n";
}

PdbAtom polymer_atom(const std::string& name, const std::string& residue, char chain, int number) {
  PdbAtom a;
  a.name = name;
  a.residue = residue;
  a.chain = chain;
  a.number = number;
  return a;
}

PdbAtom het_atom(const std::string& name, const std::string& residue, char chain, int number) {
  PdbAtom a = polymer_atom(name, residue, chain, number);
  a.hetatm = true;
  return a;
}

std::vector<PdbAtom> helix_residue(const std::string& residue, char chain, int number, int index) {
  // Alpha helix: 100 degrees and 1.5 A rise per residue; CA radius 2.3 A, N and C placed around it.
  auto at = [&](double radius, double turn, double rise) {
    const double angle = (index + turn) * 100.0 * M_PI / 180.0;
    return std::array<double, 3>{radius * std::cos(angle), radius * std::sin(angle), 1.5 * (index + rise)};
  };
  std::vector<PdbAtom> atoms;
  auto add = [&](const std::string& name, std::array<double, 3> xyz, const std::string& element) {
    PdbAtom a = polymer_atom(name, residue, chain, number);
    a.xyz = xyz;
    a.element = element;
    atoms.push_back(a);
  };
  add("N", at(1.55, -0.29, -0.29), "N");
  add("CA", at(2.3, 0.0, 0.0), "C");
  add("C", at(1.65, 0.32, 0.32), "C");
  if (residue != "GLY") add("CB", at(3.3, 0.1, -0.25), "C");
  return atoms;
}

std::string helix_chain(const std::vector<std::string>& residues, char chain, int first) {
  std::string text;
  for (size_t i = 0; i < residues.size(); ++i)
    for (const PdbAtom& a : helix_residue(residues[i], chain, first + static_cast<int>(i), static_cast<int>(i)))
      text += pdb_line(a);
  return text;
}

std::string ca_trace_pdb(const std::vector<std::array<double, 3>>& ca, const std::vector<int>& numbers,
                         const std::vector<char>& icodes) {
  static const char* const kNames[] = {"ALA", "GLY", "LEU", "SER", "VAL", "GLU", "LYS", "ILE", "THR", "ASP"};
  std::string text;
  for (size_t i = 0; i < ca.size(); ++i) {
    PdbAtom a = polymer_atom("CA", kNames[i % 10], 'A', numbers[i]);
    a.insertion = icodes[i];
    a.xyz = ca[i];
    a.element = "C";
    text += pdb_line(a);
  }
  return text + "TER\nEND\n";
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

void write_gzip(const std::string& path, const std::string& text) {
  gzFile f = gzopen(path.c_str(), "wb");
  if (!f) throw std::runtime_error("cannot write " + path);
  gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  gzclose(f);
}

}  // namespace tessera::test_support
