#pragma once
// Per-residue lDDT-C-alpha of predicted pair distances against a reference chain: for residue i,
// the pairs (i, j) whose reference C-alpha distance is under 15 A, scored by the share of the
// thresholds 0.5, 1, 2, 4 A that |predicted - reference| stays under. It is what the pLDDT head
// learns to predict, computed from distances alone (the training loop has no coordinates).
#include <cstdint>
#include <vector>

#include "domains/protein/protein_chain.h"

namespace tessera::protein {

// predicted [L * L] for residues [start, start + L) of `reference`; NaN for a residue without a
// C-alpha or without any reference neighbour.
std::vector<double> distance_lddt(const std::vector<double>& predicted, const ProteinChain& reference, size_t start,
                                  int64_t length);

}  // namespace tessera::protein
