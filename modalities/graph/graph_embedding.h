#pragma once
// Molecular graphs to trunk tokens (Graphormer): each atom token is the sum of its feature
// embeddings, token 0 is a virtual graph token, and every head gets an attention bias from the
// shortest-path distance of each pair plus the bond types along that path, and, when the config asks
// for it, a learned per-head mix of Gaussian kernels of the pair's 3D conformer distance (Uni-Mol).
#include <memory>

#include "core/nn/layers.h"
#include "core/nn/tokens.h"
#include "modalities/graph/graph_batch.h"

namespace tessera::graph {

struct GraphEmbeddingConfig {
  int64_t d_model = 128;
  int64_t n_head = 8;
  DistanceBuckets buckets;
  ConformerKernels conformer;  // disabled: no 3D term and no conformer_bias parameters
};

class GraphEmbedding : public nn::Module {
 public:
  explicit GraphEmbedding(const GraphEmbeddingConfig& config);
  // The batch's tensors are moved to the module's device here.
  nn::Tokens forward(const GraphBatch& batch) const;
  // The bias alone, [B, H, T, T], for inspection and tests.
  Tensor attention_bias(const GraphBatch& batch) const;

  nn::Embedding atom_embedding;  // [atom_table_rows(), D]
  nn::Embedding distance_bias;   // [buckets, H]
  nn::Linear bond_bias;          // bond-type shares on the path -> H
  std::unique_ptr<nn::Linear> conformer_bias;  // conformer kernels -> H; null unless config.conformer is enabled

 private:
  GraphEmbeddingConfig config_;
};

}  // namespace tessera::graph
