#include "modalities/graph/graph_paths.h"

#include <algorithm>
#include <deque>

namespace tessera::graph {

GraphPaths shortest_paths(const MolecularGraph& graph) {
  const int64_t n = graph.num_atoms();
  GraphPaths p;
  p.atoms = n;
  p.distance.assign(static_cast<std::size_t>(n * n), kUnreachable);
  p.bond_fractions.assign(static_cast<std::size_t>(n * n * kBondTypes), 0.0f);
  struct Neighbour {
    int atom;
    BondType type;
  };
  std::vector<std::vector<Neighbour>> neighbours(static_cast<std::size_t>(n));
  for (const GraphBond& b : graph.bonds) {
    neighbours[static_cast<std::size_t>(b.begin)].push_back({b.end, b.type});
    neighbours[static_cast<std::size_t>(b.end)].push_back({b.begin, b.type});
  }
  std::vector<int> counts(static_cast<std::size_t>(n * kBondTypes));  // bond types on the path from the source
  for (int64_t source = 0; source < n; ++source) {
    int* distance = &p.distance[static_cast<std::size_t>(source * n)];
    std::fill(counts.begin(), counts.end(), 0);
    distance[source] = 0;
    std::deque<int> queue{static_cast<int>(source)};
    while (!queue.empty()) {
      const int atom = queue.front();
      queue.pop_front();
      for (const Neighbour& next : neighbours[static_cast<std::size_t>(atom)]) {
        if (distance[next.atom] != kUnreachable) continue;
        distance[next.atom] = distance[atom] + 1;
        for (int t = 0; t < kBondTypes; ++t)
          counts[static_cast<std::size_t>(next.atom * kBondTypes + t)] = counts[static_cast<std::size_t>(atom * kBondTypes + t)];
        ++counts[static_cast<std::size_t>(next.atom * kBondTypes + next.type)];
        queue.push_back(next.atom);
      }
    }
    for (int64_t target = 0; target < n; ++target) {
      if (distance[target] <= 0) continue;
      for (int t = 0; t < kBondTypes; ++t)
        p.bond_fractions[static_cast<std::size_t>((source * n + target) * kBondTypes + t)] =
            static_cast<float>(counts[static_cast<std::size_t>(target * kBondTypes + t)]) / static_cast<float>(distance[target]);
    }
  }
  return p;
}

}  // namespace tessera::graph
