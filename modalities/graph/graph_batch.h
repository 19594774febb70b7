#pragma once
// Molecules to padded batch tensors for GraphEmbedding. Token 0 of each row is the virtual graph
// token (Graphormer's [VNode]); atoms follow in order; shorter molecules are padded at the end.
#include <cstdint>
#include <vector>

#include "core/tensor/tensor.h"
#include "modalities/graph/conformer_kernels.h"
#include "modalities/graph/graph_paths.h"
#include "modalities/graph/molecular_graph.h"

namespace tessera::graph {

// A molecule ready to batch: its graph and its paths, computed once per data set.
struct PreparedGraph {
  MolecularGraph graph;
  GraphPaths paths;
};
PreparedGraph prepare_graph(MolecularGraph graph);

// Rows of the summed atom-feature table: every feature's vocabulary in turn, then the virtual
// token's row and a blank row (the virtual token's remaining features, and padding).
int64_t atom_table_rows();
// The blank row: the virtual token's features other than its own, padding, and the element of an
// atom the masked-atom objective hides (masked_atoms.h).
int64_t blank_atom_row();

// Distance buckets of the attention bias: 0 self, 1..max_distance (longer paths clipped), then
// unreachable (another fragment), virtual token to or from an atom, padding.
struct DistanceBuckets {
  int max_distance = 8;
  int unreachable() const { return max_distance + 1; }
  int virtual_token() const { return max_distance + 2; }
  int padding() const { return max_distance + 3; }
  int count() const { return max_distance + 4; }
  int of(int distance) const;
};

struct GraphBatch {
  Tensor atom_features;   // [kAtomFeatures, B, T] i64 rows of the atom table, feature-major so each feature is one block
  Tensor distance;        // [B, T, T] i64 distance buckets
  Tensor bond_fractions;  // [B, T, T, kBondTypes] f32
  Tensor padding;         // [B, T] u8, nonzero = padding
  Tensor atom_weights;    // [B, T, 1] f32: 1 / atoms on atom tokens, 0 on the virtual token and padding
  Tensor conformer;       // [B, T, T, kernels] f32 Gaussian kernels of 3D distances, 0 without one; undefined when not asked for
};

// T = 1 + the most atoms among `graphs`. `kernels` (when enabled) fills `conformer` from each
// graph's distances.
GraphBatch make_graph_batch(const std::vector<const PreparedGraph*>& graphs, const DistanceBuckets& buckets,
                            const ConformerKernels& kernels = {});

}  // namespace tessera::graph
