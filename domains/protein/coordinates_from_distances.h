#pragma once
// Three-dimensional C-alpha coordinates from predicted pair distances:
//   1. classical multidimensional scaling (top three eigenvectors of the double-centred squared
//      distances) places every residue;
//   2. confidence-weighted stress majorization refines it: each residue moves to the weighted
//      mean of where its partners want it, each partner weighted by the pair's confidence;
//   3. distances cannot tell a structure from its mirror image, so the mirror is chosen where
//      C-alpha quadruples that look helical (i, i+2 and i, i+3 distances of an alpha helix) turn
//      right-handed, as alpha helices of L-amino acids do.
#include <array>
#include <cstdint>
#include <vector>

namespace tessera::protein {

using Coordinates = std::vector<std::array<double, 3>>;

struct PairDistances {
  int64_t length = 0;
  std::vector<double> distance;    // [L * L], symmetric
  std::vector<double> confidence;  // [L * L] in [0, 1]: the weight of the pair in the refinement
};

struct MdsOptions {
  int refinement_iterations = 300;
};

Coordinates coordinates_from_distances(const PairDistances& pairs, const MdsOptions& options = {});

// Classical MDS alone (exact distances give the coordinates back up to a rigid motion and mirror).
Coordinates classical_mds(const std::vector<double>& distance, int64_t length);
// Sum over helix-like quadruples of the sign of their C-alpha dihedral: > 0 right-handed.
double helix_handedness(const Coordinates& x, const PairDistances& pairs);

}  // namespace tessera::protein
