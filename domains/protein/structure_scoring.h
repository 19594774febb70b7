#pragma once
// A predicted chain scored against its reference chain (lDDT-C-alpha, TM-score, GDT_TS, GDT_HA,
// RMSD; eval/protein), and a set of such scores as JSON and as a table. Used by `tessera eval
// protein` on model files and by the model's own evaluation on its predictions.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "domains/protein/protein_chain.h"

namespace tessera::protein {

struct ChainScore {
  std::string name;   // the reference file's stem
  std::string chain;  // the reference chain id
  size_t n_residues = 0;  // reference residues with a C-alpha: what TM-score and GDT divide by
  size_t n_common = 0;    // of which the prediction has (same number and insertion code)
  double lddt_ca = 0, tm_score = 0, gdt_ts = 0, gdt_ha = 0, rmsd = 0;
};

// Residues are matched by author number and insertion code (as TMscore does); a number repeated in
// one chain matches its first occurrence. Throws DataError naming the prediction's file when the
// two chains have no C-alpha residue in common.
ChainScore score_chain(const ProteinChain& predicted, const ProteinChain& reference);

// {"structures": [{name, chain, n_residues, n_common, lddt_ca, tm_score, gdt_ts, gdt_ha, rmsd}...],
//  "mean": {the same keys but name and chain}}; an undefined score (lDDT of a chain without pairs
// within 15 A) is null and left out of the mean.
nlohmann::ordered_json scores_json(const std::vector<ChainScore>& scores);

// One row per chain and a mean row, for people (stderr).
std::string format_scores_table(const std::vector<ChainScore>& scores);

}  // namespace tessera::protein
