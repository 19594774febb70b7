#pragma once
// Runs the TMscore program (Debian tm-align, 2019/08/22) and compares `tessera eval protein` with it.
// TMscore prints TM-score and GDT to 4 decimals and RMSD to 3, so agreement means a difference within
// that rounding (5e-5, 5e-4) plus its single-precision arithmetic: tolerances 1e-4 and 1e-3. A GDT
// count that differs by one residue would show as >= 1/(4L) > 1e-3 and fail.
#include <string>

#include "tests/support/scratch_dir.h"

namespace tessera::test_support {

constexpr double kScoreTolerance = 1e-4;
constexpr double kRmsdTolerance = 1e-3;

bool have_tmscore();

struct TmscoreScores {
  double tm = 0, gdt_ts = 0, gdt_ha = 0, rmsd = 0;  // NaN when TMscore found no common residue
  int common = 0, reference_length = 0;
};

TmscoreScores tmscore(const std::string& model, const std::string& reference);

// Every file in `dir`/predictions scored by tessera (against `dir`/references, same names) and by
// TMscore, with a gtest failure per disagreement; prints the largest differences and returns the
// number of pairs compared.
int compare_with_tmscore(const ScratchDir& dir, const std::string& what);

}  // namespace tessera::test_support
