#include "core/nn/lora.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/autograd/autograd.h"
#include "core/util/error.h"

namespace tessera::nn {
namespace {

Linear& target_layer(TransformerBlock& block, const std::string& target) {
  if (target == "attn.qkv") return block.attn.qkv;
  if (target == "attn.proj") return block.attn.proj;
  if (target == "mlp.fc") return block.mlp.fc;
  return block.mlp.proj;
}

}  // namespace

LoraAdapter::LoraAdapter(int64_t in_features, int64_t out_features, const LoraConfig& config,
                         Generator* dropout_generator)
    : scale_(config.alpha / static_cast<double>(config.rank)), dropout_(config.dropout),
      dropout_generator_(dropout_generator) {
  a = register_parameter("a", Tensor::zeros({config.rank, in_features}));
  b = register_parameter("b", Tensor::zeros({out_features, config.rank}));
}

Tensor LoraAdapter::project_down(const Tensor& x) const {
  const DropoutSource dropout{training() && dropout_ > 0 ? dropout_generator_ : nullptr, dropout_};
  return ops::scale(ops::linear(dropout.apply(x), a, Tensor()), scale_);
}

void LoraAdapter::initialize(Generator& generator) {
  autograd::NoGradScope no_grad;
  // Kaiming-uniform with a = sqrt(5), as torch.nn.Linear and the LoRA reference code draw A.
  const double bound = 1.0 / std::sqrt(static_cast<double>(a.size(1)));
  float* d = a.data<float>();
  for (int64_t i = 0; i < a.numel(); ++i) d[i] = static_cast<float>((2.0 * generator.uniform() - 1.0) * bound);
  b.fill_(0.0);
}

void check_lora_config(const LoraConfig& c, const std::string& prefix) {
  if (c.rank < 1) throw ConfigError(prefix + "rank", "must be at least 1, got " + std::to_string(c.rank));
  if (!std::isfinite(c.alpha) || c.alpha <= 0)
    throw ConfigError(prefix + "alpha", "must be a positive finite number, got " + std::to_string(c.alpha));
  if (!std::isfinite(c.dropout) || c.dropout < 0 || c.dropout >= 1)
    throw ConfigError(prefix + "dropout", "must be in [0, 1), got " + std::to_string(c.dropout));
  if (c.targets.empty()) throw ConfigError(prefix + "targets", "names no layer");
  std::set<std::string> seen;
  for (const std::string& t : c.targets) {
    const auto& allowed = lora_target_names();
    if (std::find(allowed.begin(), allowed.end(), t) == allowed.end())
      throw ConfigError(prefix + "targets", "unknown layer '" + t + "' (allowed: attn.qkv, attn.proj, mlp.fc, mlp.proj)");
    if (!seen.insert(t).second) throw ConfigError(prefix + "targets", "names '" + t + "' twice");
  }
}

void attach_lora(Trunk& trunk, const LoraConfig& config, Generator& init) {
  check_lora_config(config, "lora.");
  for (const auto& block : trunk.blocks)
    for (const std::string& target : config.targets) {
      Linear& layer = target_layer(*block, target);
      if (layer.has_adapter()) continue;  // a block shared with a trunk adapted before
      auto adapter = std::make_shared<LoraAdapter>(layer.in_features(), layer.out_features(), config,
                                                   &trunk.dropout_generator());
      adapter->initialize(init);
      adapter->to(layer.weight.device());
      layer.set_adapter(std::move(adapter));
    }
}

void attach_lora(Module& model, const LoraConfig& config, Generator& init) {
  std::vector<Trunk*> trunks;
  model.visit_modules([&](Module& m) {
    if (auto* trunk = dynamic_cast<Trunk*>(&m)) trunks.push_back(trunk);
  });
  if (trunks.empty()) throw ConfigError("lora", "the model has no transformer trunk to adapt");
  for (Trunk* trunk : trunks) attach_lora(*trunk, config, init);
}

}  // namespace tessera::nn
