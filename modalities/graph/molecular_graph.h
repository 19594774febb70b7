#pragma once
// A molecule as the graph modality sees it: atoms as small integer features, bonds as typed edges.
// Domains fill it from their chemistry toolkit; the modality never sees the toolkit.
#include <array>
#include <cstdint>
#include <vector>

namespace tessera::graph {

// The atom features, each an index into its own vocabulary (values above the last are clipped).
enum AtomFeature : int { kElement, kDegree, kFormalCharge, kAromatic, kHybridization, kHydrogens, kInRing, kAtomFeatures };
// Vocabulary size of each feature, in AtomFeature order: atomic number 0..100 (0: other),
// degree 0..6, formal charge -2..+2 stored as 0..4, aromatic, hybridization (s, sp, sp2, sp3,
// sp3d, sp3d2 or other), hydrogens 0..4, in a ring.
constexpr std::array<int, kAtomFeatures> kAtomVocabulary{101, 7, 5, 2, 6, 5, 2};

enum BondType : int { kSingle, kDouble, kTriple, kAromaticBond, kBondTypes };

struct GraphBond {
  int begin = 0, end = 0;
  BondType type = kSingle;
};

struct MolecularGraph {
  std::vector<std::array<int, kAtomFeatures>> atoms;
  std::vector<GraphBond> bonds;
  // 3D distances of every atom pair in one conformer, in ångström, [atoms * atoms] in atom order;
  // empty when the molecule has no conformer (not asked for, or embedding failed), NaN for a pair
  // whose distance is unknown.
  std::vector<float> distances;
  int64_t num_atoms() const { return static_cast<int64_t>(atoms.size()); }
};

}  // namespace tessera::graph
