#include "modalities/graph/graph_batch.h"

#include <algorithm>

namespace tessera::graph {
namespace {

std::array<int64_t, kAtomFeatures> feature_offsets() {
  std::array<int64_t, kAtomFeatures> offsets{};
  for (int f = 1; f < kAtomFeatures; ++f) offsets[static_cast<size_t>(f)] = offsets[static_cast<size_t>(f - 1)] + kAtomVocabulary[static_cast<size_t>(f - 1)];
  return offsets;
}

int64_t vocabulary_total() {
  int64_t total = 0;
  for (int v : kAtomVocabulary) total += v;
  return total;
}

// Pairs of atoms with a known distance get its kernels; the virtual token, padding and molecules
// without a conformer keep zeros.
void fill_conformer(GraphBatch& batch, const std::vector<const PreparedGraph*>& graphs, const ConformerKernels& kernels) {
  const int64_t B = batch.padding.size(0), T = batch.padding.size(1), K = kernels.count;
  batch.conformer = Tensor::zeros({B, T, T, K});
  float* out = batch.conformer.data<float>();
  for (int64_t b = 0; b < B; ++b) {
    const MolecularGraph& g = graphs[static_cast<size_t>(b)]->graph;
    if (g.distances.empty()) continue;
    const int64_t n = g.num_atoms();
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < n; ++j)
        kernels.features(g.distances[static_cast<size_t>(i * n + j)], out + ((b * T + 1 + i) * T + 1 + j) * K);
  }
}

}  // namespace

PreparedGraph prepare_graph(MolecularGraph graph) {
  PreparedGraph p;
  p.paths = shortest_paths(graph);
  p.graph = std::move(graph);
  return p;
}

int64_t atom_table_rows() { return vocabulary_total() + 2; }
int64_t blank_atom_row() { return vocabulary_total() + 1; }

int DistanceBuckets::of(int distance) const {
  return distance == kUnreachable ? unreachable() : std::min(distance, max_distance);
}

GraphBatch make_graph_batch(const std::vector<const PreparedGraph*>& graphs, const DistanceBuckets& buckets,
                            const ConformerKernels& kernels) {
  const int64_t B = static_cast<int64_t>(graphs.size());
  int64_t most = 0;
  for (const PreparedGraph* g : graphs) most = std::max(most, g->graph.num_atoms());
  const int64_t T = most + 1, F = kAtomFeatures;
  const int64_t virtual_row = vocabulary_total(), blank_row = blank_atom_row();
  const std::array<int64_t, kAtomFeatures> offsets = feature_offsets();
  GraphBatch batch;
  batch.atom_features = Tensor::full({F, B, T}, static_cast<double>(blank_row), DType::i64);
  batch.distance = Tensor::full({B, T, T}, buckets.padding(), DType::i64);
  batch.bond_fractions = Tensor::zeros({B, T, T, kBondTypes});
  batch.padding = Tensor::ones({B, T}, DType::u8);
  batch.atom_weights = Tensor::zeros({B, T, 1});
  int64_t* features = batch.atom_features.data<int64_t>();
  int64_t* distance = batch.distance.data<int64_t>();
  float* fractions = batch.bond_fractions.data<float>();
  uint8_t* padding = batch.padding.data<uint8_t>();
  float* weights = batch.atom_weights.data<float>();
  for (int64_t b = 0; b < B; ++b) {
    const PreparedGraph& g = *graphs[static_cast<size_t>(b)];
    const int64_t n = g.graph.num_atoms();
    features[b * T] = virtual_row;
    for (int64_t i = 0; i <= n; ++i) padding[b * T + i] = 0;
    for (int64_t i = 0; i < n; ++i) {
      weights[b * T + 1 + i] = 1.0f / static_cast<float>(n);
      for (int f = 0; f < F; ++f) {
        const int clipped = std::clamp(g.graph.atoms[static_cast<size_t>(i)][static_cast<size_t>(f)], 0, kAtomVocabulary[static_cast<size_t>(f)] - 1);
        features[(f * B + b) * T + 1 + i] = offsets[static_cast<size_t>(f)] + clipped;
      }
    }
    int64_t* d = distance + b * T * T;
    for (int64_t i = 0; i <= n; ++i) {
      d[i] = buckets.virtual_token();
      d[i * T] = buckets.virtual_token();
    }
    d[0] = 0;
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < n; ++j) {
        d[(1 + i) * T + 1 + j] = buckets.of(g.paths.at(i, j));
        float* out = fractions + ((b * T + 1 + i) * T + 1 + j) * kBondTypes;
        for (int t = 0; t < kBondTypes; ++t) out[t] = g.paths.fraction(i, j, t);
      }
  }
  if (kernels.enabled()) fill_conformer(batch, graphs, kernels);
  return batch;
}

}  // namespace tessera::graph
