#include "core/nn/transformer.h"

#include <cmath>

#include "core/autograd/autograd.h"
#include "core/util/error.h"

namespace tessera::nn {

PositionKind position_kind_from_name(const std::string& name) {
  if (name == "learned") return PositionKind::learned;
  if (name == "rope") return PositionKind::rope;
  if (name == "none") return PositionKind::none;
  throw ConfigError("", "unknown position '" + name + "' (allowed: learned, rope, none)");
}

ops::Activation activation_from_name(const std::string& name) {
  if (name == "gelu_tanh") return ops::Activation::gelu_tanh;
  if (name == "gelu_erf") return ops::Activation::gelu_erf;
  if (name == "silu") return ops::Activation::silu;
  throw ConfigError("", "unknown activation '" + name + "' (allowed: gelu_tanh, gelu_erf, silu)");
}

Tensor DropoutSource::apply(const Tensor& x) const {
  if (p == 0.0 || !generator) return x;
  const uint64_t offset = generator->reserve(static_cast<uint64_t>(x.numel()));
  return ops::dropout(x, p, generator->seed(), offset);
}

Attention::Attention(const TrunkConfig& c)
    : qkv(c.d_model, 3 * c.d_model, c.bias), proj(c.d_model, c.d_model, c.bias), n_head_(c.n_head) {
  if (c.n_head <= 0 || c.d_model % c.n_head != 0)
    throw ConfigError("", "d_model " + std::to_string(c.d_model) + " is not divisible by n_head " + std::to_string(c.n_head));
  register_module("qkv", qkv);
  register_module("proj", proj);
}

Tensor Attention::forward(const Tensor& x, const Tokens& tokens, const RotaryPositions& rotary) const {
  const int64_t B = x.size(0), T = x.size(1), D = x.size(2), Dh = D / n_head_;
  // Q, K and V are strided views into the fused projection: no copies before the kernel.
  Tensor fused = ops::reshape(qkv.forward(x), {B, T, 3 * n_head_, Dh});
  Tensor q = ops::slice(fused, 2, 0, n_head_);
  Tensor k = ops::slice(fused, 2, n_head_, 2 * n_head_);
  Tensor v = ops::slice(fused, 2, 2 * n_head_, 3 * n_head_);
  if (rotary.positions.defined()) {
    q = ops::rope(q, rotary.positions, rotary.theta);
    k = ops::rope(k, rotary.positions, rotary.theta);
  }
  ops::AttentionOptions options;
  options.causal = tokens.causal;
  options.key_padding_mask = tokens.key_padding_mask;
  options.bias = tokens.attn_bias;
  Tensor y = ops::attention(q, k, v, options);
  return proj.forward(ops::reshape(y, {B, T, D}));
}

MLP::MLP(const TrunkConfig& c)
    : fc(c.d_model, c.mlp_hidden ? c.mlp_hidden : 4 * c.d_model, c.bias),
      proj(c.mlp_hidden ? c.mlp_hidden : 4 * c.d_model, c.d_model, c.bias), activation_(c.activation) {
  register_module("fc", fc);
  register_module("proj", proj);
}

TransformerBlock::TransformerBlock(const TrunkConfig& c) : ln1(c.d_model, c.norm), attn(c), ln2(c.d_model, c.norm), mlp(c) {
  register_module("ln1", ln1);
  register_module("attn", attn);
  register_module("ln2", ln2);
  register_module("mlp", mlp);
}

Tensor TransformerBlock::forward(const Tensor& x, const Tokens& tokens, const RotaryPositions& rotary,
                                 const DropoutSource& dropout) const {
  const ops::ResidualNorm h = ln2.forward_residual(x, dropout.apply(attn.forward(ln1.forward(x), tokens, rotary)));
  return ops::add(h.sum, dropout.apply(mlp.forward(h.normalized)));
}

Trunk::Trunk(const TrunkConfig& c) : ln_f(std::make_shared<Norm>(c.d_model, c.norm)), config_(c) {
  if (c.d_model <= 0 || c.n_layer < 0 || c.n_head <= 0)
    throw ConfigError("", "trunk sizes must be positive (d_model, n_layer, n_head)");
  if (c.position == PositionKind::learned)
    position_embedding = register_parameter("position_embedding", Tensor::zeros({c.max_positions, c.d_model}));
  if (c.n_modalities > 0)
    modality_embedding = register_parameter("modality_embedding", Tensor::zeros({c.n_modalities, c.d_model}));
  for (int64_t i = 0; i < c.n_layer; ++i) {
    blocks.push_back(std::make_shared<TransformerBlock>(c));
    register_module("blocks/" + std::to_string(i), *blocks.back());
  }
  register_module("ln_f", *ln_f);
}

void Trunk::share_layers(Trunk& owner) {
  const TrunkConfig& a = config_;
  const TrunkConfig& b = owner.config_;
  auto differ = [&](const std::string& key, auto mine, auto theirs) {
    if (mine != theirs)
      throw ConfigError("", "the shared trunk has " + key + " " + std::to_string(theirs) + ", this model " +
                                std::to_string(mine) + " (every model on one trunk must agree)");
  };
  differ("d_model", a.d_model, b.d_model);
  differ("n_layer", a.n_layer, b.n_layer);
  differ("n_head", a.n_head, b.n_head);
  differ("mlp_hidden", a.mlp_hidden ? a.mlp_hidden : 4 * a.d_model, b.mlp_hidden ? b.mlp_hidden : 4 * b.d_model);
  if (a.norm != b.norm || a.activation != b.activation || a.bias != b.bias)
    throw ConfigError("", "the shared trunk's norm, activation or bias differs from this model's");
  for (size_t i = 0; i < blocks.size(); ++i) {
    blocks[i] = owner.blocks[i];
    replace_module("blocks/" + std::to_string(i), *blocks[i]);
  }
  ln_f = owner.ln_f;
  replace_module("ln_f", *ln_f);
}

Tensor Trunk::forward(const Tokens& tokens) const {
  const Tensor& e = tokens.embeddings;
  TESSERA_CHECK(e.dim() == 3 && e.size(2) == config_.d_model,
                "trunk: embeddings must be [B, T, " + std::to_string(config_.d_model) + "], got " + shape_str(e.shape()));
  const int64_t T = e.size(1);
  Tensor positions = tokens.positions.defined() ? tokens.positions : Tensor::arange(T);
  Tensor x = e;
  if (config_.position == PositionKind::learned) {
    TESSERA_CHECK(T <= config_.max_positions, "trunk: sequence of " + std::to_string(T) + " exceeds max_positions " +
                                                  std::to_string(config_.max_positions));
    x = ops::add(x, ops::embedding(position_embedding, positions));
  }
  if (tokens.modality >= 0) {
    TESSERA_CHECK(tokens.modality < config_.n_modalities, "trunk: modality index out of range");
    x = ops::add(x, ops::reshape(ops::slice(modality_embedding, 0, tokens.modality, tokens.modality + 1), {config_.d_model}));
  }
  const DropoutSource dropout{training() && config_.dropout > 0 ? &dropout_generator_ : nullptr, config_.dropout};
  x = dropout.apply(x);
  // Moved once here, not by each of the two rotations in every block.
  if (config_.position == PositionKind::rope && positions.device() != e.device()) positions = positions.to(e.device());
  const RotaryPositions rotary{config_.position == PositionKind::rope ? positions : Tensor(), config_.rope_theta};
  for (const auto& block : blocks) x = block->forward(x, tokens, rotary, dropout);
  return ln_f->forward(x);
}

void init_gpt2(Module& model, int64_t n_layer, Generator& generator) {
  autograd::NoGradScope no_grad;
  const double residual_std = 0.02 / std::sqrt(2.0 * static_cast<double>(n_layer));
  auto ends_with = [](const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  for (auto& [name, p] : model.named_parameters()) {
    if (p.dim() < 2) continue;  // biases stay zero, norm gains one
    const bool residual = ends_with(name, "attn/proj/weight") || ends_with(name, "mlp/proj/weight");
    const double std = residual ? residual_std : 0.02;
    float* d = p.data<float>();
    for (int64_t i = 0; i < p.numel(); ++i) d[i] = static_cast<float>(generator.normal() * std);
  }
}

}  // namespace tessera::nn
