#pragma once
// TM-score, GDT_TS, GDT_HA and RMSD of a model against a reference structure, computed the way the
// TMscore program does (Zhang & Skolnick 2004, Proteins 57:702; the 2019/08/22 version Debian ships):
// - RMSD: one Kabsch superposition of all common residues.
// - TM-score = max over superpositions of (1/L) sum_common 1 / (1 + (d_i/d0)^2), L the reference
//   length, d0 = 1.24 (L-15)^(1/3) - 1.8 (0.5 when L <= 15 or below 0.5).
// - GDT_TS = (n<=1 + n<=2 + n<=4 + n<=8) / 4L, GDT_HA = (n<=0.5 + n<=1 + n<=2 + n<=4) / 4L, each
//   count maximised over the same superpositions independently.
// The superpositions searched: seed fragments of L_init = n, n/2, n/4 ... (down to 4) consecutive
// common residues at every offset; each seed's superposition is refined up to 20 times on the
// residues within d0_search + 1 (d0_search = d0 clamped to [4.5, 8]; the seed's own cut is
// d0_search - 1, widened by 0.5 A until at least 3 residues are in).
#include <cstddef>
#include <vector>

#include "eval/protein/superposition.h"

namespace tessera::eval {

struct SuperpositionScores {
  double tm_score = 0;
  double gdt_ts = 0;
  double gdt_ha = 0;
  double rmsd = 0;  // NaN when there is no common residue
  double d0 = 0;
  size_t n_common = 0;
  size_t reference_length = 0;
};

// TMscore's d0 for a reference of `length` residues.
double tm_score_d0(size_t length);

// `model` and `reference`: C-alpha positions of the residues both structures have, paired, in the
// model's residue order; `reference_length`: the reference's residues with a C-alpha (>= the pairs).
SuperpositionScores superposition_scores(const std::vector<Vec3>& model, const std::vector<Vec3>& reference,
                                         size_t reference_length);

}  // namespace tessera::eval
