#include "domains/protein/identity_split.h"

#include <algorithm>
#include <limits>
#include <map>
#include <numeric>

#include "core/util/rng.h"
#include "modalities/sequence/residue_alphabet.h"

namespace tessera::protein {
namespace {

constexpr int kBlosum62[21][21] = {
    { 4,  0, -2, -1, -2,  0, -2, -1, -1, -1, -1, -2, -1, -1, -1,  1,  0,  0, -3, -2, -1},  // A
    { 0,  9, -3, -4, -2, -3, -3, -1, -3, -1, -1, -3, -3, -3, -3, -1, -1, -1, -2, -2, -1},  // C
    {-2, -3,  6,  2, -3, -1, -1, -3, -1, -4, -3,  1, -1,  0, -2,  0, -1, -3, -4, -3, -1},  // D
    {-1, -4,  2,  5, -3, -2,  0, -3,  1, -3, -2,  0, -1,  2,  0,  0, -1, -2, -3, -2, -1},  // E
    {-2, -2, -3, -3,  6, -3, -1,  0, -3,  0,  0, -3, -4, -3, -3, -2, -2, -1,  1,  3, -1},  // F
    { 0, -3, -1, -2, -3,  6, -2, -4, -2, -4, -3,  0, -2, -2, -2,  0, -2, -3, -2, -3, -1},  // G
    {-2, -3, -1,  0, -1, -2,  8, -3, -1, -3, -2,  1, -2,  0,  0, -1, -2, -3, -2,  2, -1},  // H
    {-1, -1, -3, -3,  0, -4, -3,  4, -3,  2,  1, -3, -3, -3, -3, -2, -1,  3, -3, -1, -1},  // I
    {-1, -3, -1,  1, -3, -2, -1, -3,  5, -2, -1,  0, -1,  1,  2,  0, -1, -2, -3, -2, -1},  // K
    {-1, -1, -4, -3,  0, -4, -3,  2, -2,  4,  2, -3, -3, -2, -2, -2, -1,  1, -2, -1, -1},  // L
    {-1, -1, -3, -2,  0, -3, -2,  1, -1,  2,  5, -2, -2,  0, -1, -1, -1,  1, -1, -1, -1},  // M
    {-2, -3,  1,  0, -3,  0,  1, -3,  0, -3, -2,  6, -2,  0,  0,  1,  0, -3, -4, -2, -1},  // N
    {-1, -3, -1, -1, -4, -2, -2, -3, -1, -3, -2, -2,  7, -1, -2, -1, -1, -2, -4, -3, -1},  // P
    {-1, -3,  0,  2, -3, -2,  0, -3,  1, -2,  0,  0, -1,  5,  1,  0, -1, -2, -2, -1, -1},  // Q
    {-1, -3, -2,  0, -3, -2,  0, -3,  2, -2, -1,  0, -2,  1,  5, -1, -1, -3, -3, -2, -1},  // R
    { 1, -1,  0,  0, -2,  0, -1, -2,  0, -2, -1,  1, -1,  0, -1,  4,  1, -2, -3, -2, -1},  // S
    { 0, -1, -1, -1, -2, -2, -2, -1, -1, -1, -1,  0, -1, -1, -1,  1,  5,  0, -2, -2, -1},  // T
    { 0, -1, -3, -2, -1, -3, -3,  3, -2,  1,  1, -3, -2, -2, -3, -2,  0,  4, -3, -1, -1},  // V
    {-3, -2, -4, -3,  1, -2, -2, -3, -3, -2, -1, -4, -4, -2, -3, -3, -2, -3, 11,  2, -1},  // W
    {-2, -2, -3, -2,  3, -3,  2, -1, -2, -1, -1, -2, -3, -1, -2, -2, -2, -1,  2,  7, -1},  // Y
    {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1},  // X
};
constexpr int kGapOpen = 10, kGapExtend = 1;

std::vector<int> tokens_of(const std::string& s) {
  std::vector<int> t(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const int64_t token = sequence::residue_token(s[i]);
    t[i] = token < 0 ? static_cast<int>(sequence::kUnknownResidue) : static_cast<int>(token);
  }
  return t;
}

// A DP cell: the best score of an alignment ending here, and its count of identical positions.
struct Cell {
  int score;
  int identical;
};
Cell best(Cell a, Cell b) { return a.score > b.score || (a.score == b.score && a.identical >= b.identical) ? a : b; }
Cell extend(Cell c, int by, int identical = 0) { return {c.score + by, c.identical + identical}; }

// Gotoh's affine-gap alignment in linear memory; end gaps (leading and trailing) cost nothing.
int identical_positions(const std::vector<int>& a, const std::vector<int>& b) {
  const size_t n = a.size(), m = b.size();
  constexpr Cell kNone{std::numeric_limits<int>::min() / 4, 0};
  // match: ends with a[i] aligned to b[j]; gap_a: ends with a gap in a; gap_b: a gap in b.
  std::vector<Cell> match(m + 1, kNone), gap_a(m + 1, kNone), gap_b(m + 1, kNone);
  std::vector<Cell> prev_match(m + 1), prev_gap_a(m + 1), prev_gap_b(m + 1);
  for (size_t j = 0; j <= m; ++j) match[j] = {0, 0};  // free leading gaps
  Cell end = kNone;
  for (size_t i = 1; i <= n; ++i) {
    std::swap(match, prev_match);
    std::swap(gap_a, prev_gap_a);
    std::swap(gap_b, prev_gap_b);
    match[0] = {0, 0};
    gap_a[0] = gap_b[0] = kNone;
    for (size_t j = 1; j <= m; ++j) {
      const Cell diagonal = best(best(prev_match[j - 1], prev_gap_a[j - 1]), prev_gap_b[j - 1]);
      const bool same = a[i - 1] == b[j - 1] && a[i - 1] != sequence::kUnknownResidue;
      match[j] = extend(diagonal, kBlosum62[a[i - 1]][b[j - 1]], same ? 1 : 0);
      gap_a[j] = best(extend(match[j - 1], -kGapOpen), extend(gap_a[j - 1], -kGapExtend));
      gap_b[j] = best(extend(prev_match[j], -kGapOpen), extend(prev_gap_b[j], -kGapExtend));
    }
    end = best(end, best(best(match[m], gap_a[m]), gap_b[m]));  // free trailing gaps in b
  }
  for (size_t j = 0; j <= m; ++j) end = best(end, best(best(match[j], gap_a[j]), gap_b[j]));  // in a
  return std::max(0, end.identical);
}

// Upper bound on identical positions from letter counts alone (skips hopeless alignments).
int composition_bound(const std::vector<int>& a, const std::vector<int>& b) {
  std::array<int, 21> ca{}, cb{};
  for (int t : a) ++ca[t];
  for (int t : b) ++cb[t];
  int bound = 0;
  for (int t = 0; t < 20; ++t) bound += std::min(ca[t], cb[t]);
  return bound;
}

int find(std::vector<int>& parent, int i) {
  while (parent[i] != i) i = parent[i] = parent[parent[i]];
  return i;
}

}  // namespace

double sequence_identity(const std::string& a, const std::string& b) {
  const size_t shorter = std::min(a.size(), b.size());
  if (shorter == 0) return 0;
  return static_cast<double>(identical_positions(tokens_of(a), tokens_of(b))) / static_cast<double>(shorter);
}

std::vector<int> identity_clusters(const std::vector<std::string>& sequences, double threshold) {
  // Identical sequences (the same protein solved many times) are aligned once.
  std::map<std::string, int> unique_index;
  std::vector<int> unique_of(sequences.size());
  std::vector<std::vector<int>> tokens;
  for (size_t i = 0; i < sequences.size(); ++i) {
    const auto [it, added] = unique_index.emplace(sequences[i], static_cast<int>(tokens.size()));
    if (added) tokens.push_back(tokens_of(sequences[i]));
    unique_of[i] = it->second;
  }
  const int n = static_cast<int>(tokens.size());
  std::vector<int> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  for (int i = 1; i < n; ++i) {
    // Each cluster found so far is tried, in parallel, member by member until one links.
    std::vector<std::vector<int>> members(n);
    for (int j = 0; j < i; ++j) members[find(parent, j)].push_back(j);
    std::vector<int> roots;
    for (int r = 0; r < n; ++r)
      if (!members[r].empty()) roots.push_back(r);
    std::vector<char> links(roots.size(), 0);
#pragma omp parallel for schedule(dynamic)
    for (size_t k = 0; k < roots.size(); ++k) {
      for (int j : members[roots[k]]) {
        const double shorter = static_cast<double>(std::min(tokens[i].size(), tokens[j].size()));
        if (shorter == 0 || composition_bound(tokens[i], tokens[j]) <= threshold * shorter) continue;
        if (identical_positions(tokens[i], tokens[j]) > threshold * shorter) {
          links[k] = 1;
          break;
        }
      }
    }
    for (size_t k = 0; k < roots.size(); ++k)
      if (links[k]) parent[find(parent, roots[k])] = find(parent, i);
  }
  std::vector<int> index(n, -1), cluster(sequences.size());
  int clusters = 0;
  for (size_t i = 0; i < sequences.size(); ++i) {
    const int r = find(parent, unique_of[i]);
    if (index[r] < 0) index[r] = clusters++;
    cluster[i] = index[r];
  }
  return cluster;
}

std::vector<Split> assign_splits(const std::vector<int>& clusters, const std::array<double, 3>& fractions,
                                 uint64_t seed) {
  const int n_clusters = clusters.empty() ? 0 : *std::max_element(clusters.begin(), clusters.end()) + 1;
  std::vector<int> size(n_clusters, 0);
  for (int c : clusters) ++size[c];
  std::vector<int> order(n_clusters);
  std::iota(order.begin(), order.end(), 0);
  Generator g(seed);
  for (int i = n_clusters - 1; i > 0; --i) std::swap(order[i], order[g.below(static_cast<uint64_t>(i) + 1)]);
  std::array<double, 3> filled{0, 0, 0}, target{};
  const double total = static_cast<double>(clusters.size());
  for (int s = 0; s < 3; ++s) target[s] = fractions[s] * total;
  std::vector<Split> of_cluster(n_clusters, kTrain);
  for (int c : order) {
    // The split furthest below its share (relative to it) that the cluster still fits in; a
    // cluster too big for any (a large family) goes to the one missing the most chains.
    int chosen = -1;
    double best = -std::numeric_limits<double>::infinity();
    for (int s = 0; s < 3; ++s) {
      const double relative = target[s] > 0 ? (target[s] - filled[s]) / target[s] : -1;
      if (target[s] > 0 && filled[s] + size[c] <= target[s] && relative > best) best = relative, chosen = s;
    }
    if (chosen < 0) {
      for (int s = 0; s < 3; ++s)
        if (target[s] > 0 && (chosen < 0 || target[s] - filled[s] > target[chosen] - filled[chosen])) chosen = s;
    }
    of_cluster[c] = static_cast<Split>(chosen);
    filled[chosen] += size[c];
  }
  std::vector<Split> split(clusters.size());
  for (size_t i = 0; i < clusters.size(); ++i) split[i] = of_cluster[clusters[i]];
  return split;
}

}  // namespace tessera::protein
