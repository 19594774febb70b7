#pragma once
// The distogram's 64 distance bins, as AlphaFold2: 63 edges evenly from 2.3125 to 21.6875 A, a
// first bin below the first edge and a last bin for everything beyond the last. What the bins
// mean (targets, expected distances, contact probabilities) lives here and nowhere else.
#include <cstdint>
#include <vector>

namespace tessera::protein {

inline constexpr int64_t kDistogramBins = 64;
inline constexpr double kFirstEdge = 2.3125;
inline constexpr double kLastEdge = 21.6875;
inline constexpr double kBinWidth = (kLastEdge - kFirstEdge) / (kDistogramBins - 2);
inline constexpr double kContactDistance = 8.0;  // C-beta contact, as CASP

// Bin of a distance (0 .. 63).
int64_t distance_bin(double distance);
// The distance a bin stands for: its middle; the open first and last bins a half width beyond
// their edge.
double bin_center(int64_t bin);
// Expected distance of one pair's bin probabilities [64].
double expected_distance(const float* probabilities);
// P(distance < 8 A) from one pair's bin probabilities (the bin that holds 8 A counts in part).
double contact_probability(const float* probabilities);

}  // namespace tessera::protein
