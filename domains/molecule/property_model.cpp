#include "domains/molecule/property_model.h"

#include "modalities/graph/masked_atoms.h"

namespace tessera::molecule {
namespace {

int64_t readout_width(const PropertyModelConfig& c) {
  return c.trunk.d_model * (c.mean_pool ? 2 : 1) + c.descriptors;
}

}  // namespace

PropertyModel::PropertyModel(const PropertyModelConfig& config)
    : embedding(config.graph), trunk(config.trunk), config_(config) {
  register_module("embedding", embedding);
  register_module("trunk", trunk);
  if (config.outputs > 0) {
    hidden = std::make_unique<nn::Linear>(readout_width(config), config.trunk.d_model);
    output = std::make_unique<nn::Linear>(config.trunk.d_model, config.outputs);
    register_module("hidden", *hidden);
    register_module("output", *output);
  }
  if (config.atom_head) {
    atom_head = std::make_unique<nn::Linear>(config.trunk.d_model, graph::element_vocabulary());
    register_module("atom_head", *atom_head);
  }
}

void PropertyModel::initialize(uint64_t seed) {
  Generator g(seed);
  nn::init_gpt2(*this, config_.trunk.n_layer, g);
}

Tensor PropertyModel::states(const graph::GraphBatch& batch) const { return trunk.forward(embedding.forward(batch)); }

Tensor PropertyModel::properties(const Tensor& h, const graph::GraphBatch& batch, const Tensor& descriptors) const {
  const int64_t B = h.size(0), D = h.size(2);
  std::vector<Tensor> parts{ops::reshape(ops::slice(h, 1, 0, 1), {B, D})};
  if (config_.mean_pool) parts.push_back(ops::sum(ops::mul(h, place(batch.atom_weights)), 1));
  if (config_.descriptors > 0) parts.push_back(place(descriptors));
  const Tensor readout = parts.size() == 1 ? parts.front() : ops::concat(parts, 1);
  return output->forward(hidden->forward(readout, ops::Activation::gelu_tanh));
}

Tensor PropertyModel::forward(const graph::GraphBatch& batch, const Tensor& descriptors) const {
  return properties(states(batch), batch, descriptors);
}

Tensor PropertyModel::element_logits(const Tensor& h) const { return atom_head->forward(h); }

}  // namespace tessera::molecule
