#include "domains/protein/model_pdb.h"

#include <cstdio>
#include <fstream>

#include "core/util/error.h"
#include "modalities/sequence/residue_alphabet.h"

namespace tessera::protein {
namespace {

const char* residue_name(char letter) {
  static const char* kNames[] = {"ALA", "CYS", "ASP", "GLU", "PHE", "GLY", "HIS", "ILE", "LYS", "LEU",
                                 "MET", "ASN", "PRO", "GLN", "ARG", "SER", "THR", "VAL", "TRP", "TYR"};
  const int64_t token = sequence::residue_token(letter);
  return token >= 0 && token < 20 ? kNames[token] : "UNK";
}

}  // namespace

void write_model_pdb(const std::string& path, const ChainPrediction& p) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw InputError(path, "cannot create the file");
  char line[96];
  std::snprintf(line, sizeof line, "REMARK   1 TESSERA C-ALPHA MODEL OF %-.40s\n", p.name.c_str());
  out << line;
  out << "REMARK   1 B-FACTOR COLUMN: PREDICTED LDDT-CA (0-100)\n";
  for (int64_t i = 0; i < p.length; ++i) {
    // Residue numbers beyond the 4-digit field wrap, as other tools do for huge chains.
    std::snprintf(line, sizeof line, "ATOM  %5lld  CA  %3s A%4lld    %8.3f%8.3f%8.3f%6.2f%6.2f           C  \n",
                  static_cast<long long>((i + 1) % 100000), residue_name(p.sequence[i]),
                  static_cast<long long>((i + 1) % 10000), p.ca[i][0], p.ca[i][1], p.ca[i][2], 1.0,
                  static_cast<double>(p.plddt[i]));
    out << line;
  }
  std::snprintf(line, sizeof line, "TER   %5lld      %3s A%4lld\nEND\n", static_cast<long long>((p.length + 1) % 100000),
                p.length > 0 ? residue_name(p.sequence.back()) : "UNK", static_cast<long long>(p.length % 10000));
  out << line;
  out.flush();
  if (!out) throw InputError(path, "cannot write the file (disk full?)");
}

}  // namespace tessera::protein
