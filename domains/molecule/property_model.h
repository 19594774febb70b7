#pragma once
// The molecular property model: GraphEmbedding -> shared trunk -> readout of the virtual graph
// token (optionally with the mean of the atom tokens and normalized RDKit descriptors) -> a GELU
// layer -> one output per regression target, or two logits per classification target. With the
// masked-atom objective, an atom head predicts each atom token's element from the trunk's states.
#include <memory>

#include "core/nn/transformer.h"
#include "modalities/graph/graph_embedding.h"

namespace tessera::molecule {

struct PropertyModelConfig {
  graph::GraphEmbeddingConfig graph;
  nn::TrunkConfig trunk;
  int64_t outputs = 1;      // 0: no property head (pre-training on molecules without targets)
  int64_t descriptors = 0;  // descriptor features joined at the readout; 0: none
  bool mean_pool = false;   // also read out the mean of the atom tokens
  bool atom_head = false;   // the masked-atom objective's element head
};

class PropertyModel : public nn::Module {
 public:
  explicit PropertyModel(const PropertyModelConfig& config);
  void initialize(uint64_t seed);
  // -> [B, outputs]; `descriptors` [B, descriptors] (undefined when the model takes none).
  Tensor forward(const graph::GraphBatch& batch, const Tensor& descriptors) const;
  // The trunk's states [B, T, D], token 0 the virtual graph token.
  Tensor states(const graph::GraphBatch& batch) const;
  // The property head on `states`: [B, outputs].
  Tensor properties(const Tensor& states, const graph::GraphBatch& batch, const Tensor& descriptors) const;
  // The atom head on `states`: element logits [B, T, element vocabulary].
  Tensor element_logits(const Tensor& states) const;
  const PropertyModelConfig& config() const { return config_; }

  graph::GraphEmbedding embedding;
  nn::Trunk trunk;
  std::unique_ptr<nn::Linear> hidden, output;  // the property head, when outputs > 0
  std::unique_ptr<nn::Linear> atom_head;       // when config.atom_head

 private:
  PropertyModelConfig config_;
};

}  // namespace tessera::molecule
