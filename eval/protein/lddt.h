#pragma once
// lDDT on C-alpha atoms (Mariani et al. 2013, Bioinformatics 29:2722), superposition-free: every
// pair of reference residues closer than 15 A (the inclusion radius, measured on the reference
// only) is checked in the model; its distance is preserved at threshold t when
// |d_model - d_reference| < t, for t = 0.5, 1, 2, 4 A. lDDT = preserved pair-checks / (4 * pairs),
// pooled over the whole chain, as AlphaFold and OpenStructure's global score. A pair whose model
// residue is missing counts as not preserved (the model is penalised for what it lacks).
#include <vector>

#include "eval/protein/superposition.h"

namespace tessera::eval {

constexpr double kLddtInclusionRadius = 15.0;

// `model` and `reference` are indexed by reference residue; NaN coordinates mark a residue absent
// (in the model: not predicted; in the reference: not resolved, and left out). NaN when the
// reference has no pair within the radius.
double lddt_ca(const std::vector<Vec3>& model, const std::vector<Vec3>& reference);

// Per reference residue: the same score over the pairs that residue takes part in (NaN when none).
std::vector<double> lddt_ca_per_residue(const std::vector<Vec3>& model, const std::vector<Vec3>& reference);

}  // namespace tessera::eval
