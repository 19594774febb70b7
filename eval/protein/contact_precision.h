#pragma once
// Contact precision of a predicted contact map, as CASP reports it: residues i, j are in contact
// when their C-beta atoms (glycine's virtual C-beta) are closer than 8 A in the reference. Pairs are ranked by predicted probability within a separation range
// |i - j| (short 6-11, medium 12-23, long >= 24; positions in the chain, not residue numbers) and
// the top L, L/2, L/5 are checked (L the chain length); P@k = true contacts among them / k. Pairs
// with a missing reference C-beta are left out of the ranking; when a range has fewer than k pairs,
// all of them are checked and divide. Pairs of equal probability that straddle the cut at k count
// their mean: a tie's order carries no information, so it cannot change a score.
#include <vector>

#include "eval/protein/superposition.h"

namespace tessera::eval {

constexpr double kContactDistance = 8.0;

struct RangePrecision {
  double at_l = 0, at_l2 = 0, at_l5 = 0;  // NaN when the range has no scorable pair
};

struct ContactPrecision {
  RangePrecision short_range, medium_range, long_range;
};

// `probability`: L x L, row-major (only i < j is read); `cbeta`: the reference's C-beta per residue,
// NaN when missing.
ContactPrecision contact_precision(const std::vector<double>& probability, const std::vector<Vec3>& cbeta);

}  // namespace tessera::eval
