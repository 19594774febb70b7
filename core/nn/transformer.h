#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/nn/layers.h"
#include "core/nn/tokens.h"
#include "core/util/rng.h"

namespace tessera::nn {

enum class PositionKind { learned, rope, none };
PositionKind position_kind_from_name(const std::string& name);
ops::Activation activation_from_name(const std::string& name);

struct TrunkConfig {
  int64_t d_model = 128;
  int64_t n_layer = 4;
  int64_t n_head = 4;
  int64_t mlp_hidden = 0;  // 0: 4 * d_model
  ops::Activation activation = ops::Activation::gelu_tanh;
  NormKind norm = NormKind::layernorm;
  PositionKind position = PositionKind::learned;
  int64_t max_positions = 1024;  // size of the learned position table
  double rope_theta = 10000.0;
  double dropout = 0.0;
  int64_t n_modalities = 0;  // rows of the modality-type embedding; 0: none
  bool bias = true;          // biases in the linear layers
};

// Draws dropout masks: each call takes a fresh block of counters from the generator.
struct DropoutSource {
  Generator* generator = nullptr;
  double p = 0.0;
  Tensor apply(const Tensor& x) const;
};

// Rotary position embedding of a forward pass: chosen by the trunk that runs the blocks, not by
// the blocks, so blocks shared by several trunks serve each with its own positions.
struct RotaryPositions {
  Tensor positions;  // [T] or [B, T]; undefined: no rotary embedding
  double theta = 10000.0;
};

class Attention : public Module {
 public:
  Attention(const TrunkConfig& config);
  Tensor forward(const Tensor& x, const Tokens& tokens, const RotaryPositions& rotary) const;
  Linear qkv;   // fused Q, K, V projection [3D, D]
  Linear proj;  // output projection [D, D]

 private:
  int64_t n_head_;
};

class MLP : public Module {
 public:
  MLP(const TrunkConfig& config);
  Tensor forward(const Tensor& x) const { return proj.forward(fc.forward(x, activation_)); }
  Linear fc;
  Linear proj;

 private:
  ops::Activation activation_;
};

// Pre-LN block: x += attn(ln1(x)); x += mlp(ln2(x)), with dropout on each residual branch.
class TransformerBlock : public Module {
 public:
  TransformerBlock(const TrunkConfig& config);
  Tensor forward(const Tensor& x, const Tokens& tokens, const RotaryPositions& rotary, const DropoutSource& dropout) const;
  Norm ln1;
  Attention attn;
  Norm ln2;
  MLP mlp;
};

// The shared trunk: (modality-type embedding + learned positions) -> blocks -> final norm.
class Trunk : public Module {
 public:
  explicit Trunk(const TrunkConfig& config);
  Tensor forward(const Tokens& tokens) const;
  const TrunkConfig& config() const { return config_; }
  // From now on runs the blocks and final norm of `owner` (one trunk for several domains' models);
  // positions, the modality embedding and dropout stay this trunk's own. ConfigError naming what
  // differs when the layers' shapes do not match.
  void share_layers(Trunk& owner);
  // The generator behind dropout masks; part of a run's RNG state.
  Generator& dropout_generator() const { return dropout_generator_; }

  Tensor position_embedding;  // [max_positions, D] when position = learned
  Tensor modality_embedding;  // [n_modalities, D] when n_modalities > 0
  std::vector<std::shared_ptr<TransformerBlock>> blocks;
  std::shared_ptr<Norm> ln_f;

 private:
  TrunkConfig config_;
  mutable Generator dropout_generator_;
};

// GPT-2 initialization: N(0, 0.02) for matrices and embeddings, N(0, 0.02 / sqrt(2 n_layer)) for
// the projections that write into the residual stream, zero biases, unit norm gains. Draws in
// parameter order from `generator`.
void init_gpt2(Module& model, int64_t n_layer, Generator& generator);

}  // namespace tessera::nn
