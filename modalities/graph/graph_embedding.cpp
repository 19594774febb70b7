#include "modalities/graph/graph_embedding.h"

#include <stdexcept>

namespace tessera::graph {

GraphEmbedding::GraphEmbedding(const GraphEmbeddingConfig& config)
    : atom_embedding(atom_table_rows(), config.d_model),
      distance_bias(config.buckets.count(), config.n_head),
      bond_bias(kBondTypes, config.n_head, false),
      config_(config) {
  register_module("atom_embedding", atom_embedding);
  register_module("distance_bias", distance_bias);
  register_module("bond_bias", bond_bias);
  if (config.conformer.enabled()) {
    conformer_bias = std::make_unique<nn::Linear>(config.conformer.count, config.n_head, false);
    register_module("conformer_bias", *conformer_bias);
  }
}

Tensor GraphEmbedding::attention_bias(const GraphBatch& batch) const {
  Tensor per_pair = ops::add(distance_bias.forward(place(batch.distance)),
                             bond_bias.forward(place(batch.bond_fractions)));  // [B, T, T, H]
  if (conformer_bias) {
    if (!batch.conformer.defined())
      throw std::invalid_argument("GraphEmbedding: the model takes conformer kernels and the batch has none");
    per_pair = ops::add(per_pair, conformer_bias->forward(place(batch.conformer)));
  }
  return ops::contiguous(ops::transpose(ops::transpose(per_pair, 1, 3), 2, 3));
}

nn::Tokens GraphEmbedding::forward(const GraphBatch& batch) const {
  nn::Tokens tokens;
  // One [B, T, D] lookup per feature, summed: never the [B, T, features, D] stack.
  const Tensor features = place(batch.atom_features);
  const int64_t B = features.size(1), T = features.size(2);
  for (int64_t f = 0; f < features.size(0); ++f) {
    const Tensor e = atom_embedding.forward(ops::reshape(ops::slice(features, 0, f, f + 1), {B, T}));
    tokens.embeddings = f == 0 ? e : ops::add(tokens.embeddings, e);
  }
  tokens.key_padding_mask = place(batch.padding);
  tokens.attn_bias = attention_bias(batch);
  return tokens;
}

}  // namespace tessera::graph
