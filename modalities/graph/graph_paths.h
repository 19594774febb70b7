#pragma once
// What Graphormer's attention bias needs from a graph, computed once per molecule: the
// shortest-path distance of every atom pair and the bond types along one shortest path.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "modalities/graph/molecular_graph.h"

namespace tessera::graph {

constexpr int kUnreachable = -1;

struct GraphPaths {
  int64_t atoms = 0;
  std::vector<int> distance;            // [atoms * atoms], kUnreachable between fragments
  std::vector<float> bond_fractions;    // [atoms * atoms * kBondTypes]: share of each bond type on the path
  int at(int64_t i, int64_t j) const { return distance[static_cast<std::size_t>(i * atoms + j)]; }
  float fraction(int64_t i, int64_t j, int type) const {
    return bond_fractions[static_cast<std::size_t>((i * atoms + j) * kBondTypes + type)];
  }
};

// Breadth-first search from every atom; the path taken is the first found (lowest-index parents).
GraphPaths shortest_paths(const MolecularGraph& graph);

}  // namespace tessera::graph
