#include "domains/protein/structure_model.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/util/error.h"
#include "domains/protein/distogram_bins.h"
#include "modalities/sequence/residue_alphabet.h"

namespace tessera::protein {

PairBlock::PairBlock(int64_t pair_dim) : norm(pair_dim), fc(pair_dim, 2 * pair_dim), proj(2 * pair_dim, pair_dim) {
  register_module("norm", norm);
  register_module("fc", fc);
  register_module("proj", proj);
}

Tensor PairBlock::forward(const Tensor& pair) const {
  return ops::add(pair, proj.forward(fc.forward(norm.forward(pair), ops::Activation::gelu_tanh)));
}

StructureModel::StructureModel(const StructureModelConfig& config)
    : residues(config.trunk.d_model),
      trunk(config.trunk),
      residue_head(config.trunk.d_model, sequence::kPredictedResidues),
      left(config.trunk.d_model, config.pair_dim),
      right(config.trunk.d_model, config.pair_dim),
      relative_position(relative_position_rows(config), config.pair_dim),
      pair_norm(config.pair_dim),
      distogram_head(config.pair_dim, kDistogramBins),
      plddt_head(config.trunk.d_model + config.pair_dim, kPlddtBins),
      config_(config) {
  register_module("residues", residues);
  register_module("trunk", trunk);
  register_module("residue_head", residue_head);
  register_module("left", left);
  register_module("right", right);
  register_module("relative_position", relative_position);
  for (int64_t i = 0; i < config.pair_layers; ++i) {
    pair_blocks.push_back(std::make_unique<PairBlock>(config.pair_dim));
    register_module("pair_blocks/" + std::to_string(i), *pair_blocks.back());
  }
  register_module("pair_norm", pair_norm);
  register_module("distogram_head", distogram_head);
  register_module("plddt_head", plddt_head);
}

int64_t relative_position_rows(const StructureModelConfig& config) {
  return 2 * (config.max_relative_position + config.long_range_buckets) + 1;
}

// Long-range contacts depend on separation well beyond any clip (a pair 40 apart is far likelier in
// contact than one 400 apart), so longer separations get log-spaced buckets instead of one row.
int64_t relative_position_row(int64_t offset, const StructureModelConfig& config) {
  const int64_t clip = config.max_relative_position, buckets = config.long_range_buckets;
  const int64_t distance = offset < 0 ? -offset : offset;
  int64_t step = std::min(distance, clip);
  if (distance > clip && buckets > 0) {
    const double share = std::log(static_cast<double>(distance) / static_cast<double>(clip)) /
                         std::log(static_cast<double>(std::max(config.long_range_limit, clip + 1)) / static_cast<double>(clip));
    step = clip + 1 + std::min(buckets - 1, static_cast<int64_t>(static_cast<double>(buckets) * share));
  }
  return (offset < 0 ? -step : step) + clip + buckets;
}

Tensor StructureModel::relative_positions(int64_t length) const {
  Tensor index = Tensor::empty({length, length}, DType::i64);
  int64_t* p = index.data<int64_t>();
  for (int64_t i = 0; i < length; ++i)
    for (int64_t j = 0; j < length; ++j) p[i * length + j] = relative_position_row(j - i, config_);
  return place(index);
}

StructureOutputs StructureModel::forward(const Tensor& tokens) const {
  const int64_t B = tokens.size(0), L = tokens.size(1), C = config_.pair_dim;
  const Tensor hidden = trunk.forward(residues.forward(tokens));  // [B, L, D]
  const Tensor row = ops::reshape(left.forward(hidden), {B, L, 1, C});
  const Tensor column = ops::reshape(right.forward(hidden), {B, 1, L, C});
  Tensor pair = ops::add(ops::add(row, column), relative_position.forward(relative_positions(L)));
  for (const auto& block : pair_blocks) pair = block->forward(pair);
  pair = pair_norm.forward(pair);
  const Tensor logits = distogram_head.forward(pair);
  StructureOutputs out;
  // Distances are symmetric, so are the logits: the mean of both orders of each pair.
  out.distogram_logits = ops::scale(ops::add(logits, ops::transpose(logits, 1, 2)), 0.5);
  out.plddt_logits = plddt_head.forward(ops::concat({hidden, ops::mean(pair, 2)}, -1));
  out.residue_logits = residue_head.forward(hidden);
  return out;
}

void initialize_structure_model(StructureModel& model, uint64_t seed) {
  Generator g(seed);
  nn::init_gpt2(model, model.config().trunk.n_layer, g);
}

}  // namespace tessera::protein
