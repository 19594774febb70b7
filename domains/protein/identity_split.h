#pragma once
// Splitting chains into training, validation and test sets by sequence identity, so that no
// test (or validation) chain shares more than a threshold (40 %) identity with any training chain:
//   - identity of two chains: a global Needleman-Wunsch alignment (BLOSUM62, gap open 10, gap
//     extend 1, end gaps free so a domain cut from a longer chain aligns whole), scored as
//     identical aligned positions / length of the shorter chain;
//   - clusters: single linkage at the threshold (two chains above it share a cluster, and so on
//     transitively), so chains in different clusters are never above it;
//   - whole clusters go to one split, in a seeded random order, each to the split furthest below
//     its share of chains (relative to the share) among those it fits in; a cluster that fits in
//     none (a family bigger than the test share) goes to the split missing the most chains.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace tessera::protein {

double sequence_identity(const std::string& a, const std::string& b);

// Cluster index of every sequence (0 .. clusters - 1).
std::vector<int> identity_clusters(const std::vector<std::string>& sequences, double threshold);

enum Split { kTrain = 0, kValidation = 1, kTest = 2 };
// Split of every sequence given its cluster; `fractions` are the train/validation/test shares.
std::vector<Split> assign_splits(const std::vector<int>& clusters, const std::array<double, 3>& fractions,
                                 uint64_t seed);

}  // namespace tessera::protein
