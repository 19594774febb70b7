#pragma once
// The molecular property model: GraphEmbedding -> shared trunk -> readout of the virtual graph
// token (optionally with the mean of the atom tokens and normalized RDKit descriptors) -> a GELU
// layer -> one output per regression target, or two logits per classification target.
#include <memory>

#include "core/nn/transformer.h"
#include "modalities/graph/graph_embedding.h"

namespace tessera::molecule {

struct PropertyModelConfig {
  graph::GraphEmbeddingConfig graph;
  nn::TrunkConfig trunk;
  int64_t outputs = 1;
  int64_t descriptors = 0;  // descriptor features joined at the readout; 0: none
  bool mean_pool = false;   // also read out the mean of the atom tokens
};

class PropertyModel : public nn::Module {
 public:
  explicit PropertyModel(const PropertyModelConfig& config);
  void initialize(uint64_t seed);
  // -> [B, outputs]; `descriptors` [B, descriptors] (undefined when the model takes none).
  Tensor forward(const graph::GraphBatch& batch, const Tensor& descriptors) const;
  const PropertyModelConfig& config() const { return config_; }

  graph::GraphEmbedding embedding;
  nn::Trunk trunk;
  nn::Linear hidden;
  nn::Linear output;

 private:
  PropertyModelConfig config_;
};

}  // namespace tessera::molecule
