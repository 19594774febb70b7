#pragma once
// Three-dimensional C-alpha coordinates from predicted pair distances:
//   1. pairs predicted beyond the distogram's range (low confidence) get the length of the
//      shortest path through confident pairs, so far pairs come out far rather than at 22 A;
//   2. classical multidimensional scaling (top three eigenvectors of the double-centred squared
//      distances) places every residue;
//   3. confidence-weighted stress majorization refines it: each residue moves to the weighted
//      mean of where its confident partners want it, and pairs predicted far apart are pushed
//      apart until they reach the distogram's last edge;
//   4. distances cannot tell a structure from its mirror image, so the mirror is chosen where
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
  std::vector<double> confidence;  // [L * L] in [0, 1]: probability the pair is within range
};

struct MdsOptions {
  int refinement_iterations = 100;
  double far_distance = 21.6875;  // pairs with confidence < 0.5 are held at least this far apart
};

Coordinates coordinates_from_distances(const PairDistances& pairs, const MdsOptions& options = {});

// Classical MDS alone (exact distances give the coordinates back up to a rigid motion and mirror).
Coordinates classical_mds(const std::vector<double>& distance, int64_t length);
// Sum over helix-like quadruples of the sign of their C-alpha dihedral: > 0 right-handed.
double helix_handedness(const Coordinates& x, const PairDistances& pairs);

}  // namespace tessera::protein
