#pragma once
// LoRA (Hu et al. 2021): a frozen Linear y = W x + b learns a low-rank update instead,
// y = W x + b + (alpha / rank) B A x, with A [rank, in] drawn Kaiming-uniform as in the paper's
// reference code, B [out, rank] zero (so an adapted layer starts out equal to its base), and
// dropout on the adapter's input while training. Built from `ops::linear` and `ops::concat`: no op of
// its own.
#include <string>
#include <vector>

#include "core/nn/layers.h"
#include "core/nn/transformer.h"
#include "core/util/rng.h"

namespace tessera::nn {

// The trunk's Linear layers an adapter may sit on, by their names inside a block.
inline const std::vector<std::string>& lora_target_names() {
  static const std::vector<std::string> names{"attn.qkv", "attn.proj", "mlp.fc", "mlp.proj"};
  return names;
}

struct LoraConfig {
  int64_t rank = 8;
  double alpha = 16;
  double dropout = 0.0;
  std::vector<std::string> targets = lora_target_names();
};

class LoraAdapter : public Module {
 public:
  // `dropout_generator` draws the masks (while training, when dropout > 0).
  LoraAdapter(int64_t in_features, int64_t out_features, const LoraConfig& config, Generator* dropout_generator);
  // (alpha / rank) A dropout(x), [..., rank]: the adapter adds B times this to its layer's output
  // (nn::Linear::forward).
  Tensor project_down(const Tensor& x) const;
  // A Kaiming-uniform, B zero.
  void initialize(Generator& generator);
  Tensor a;  // [rank, in]
  Tensor b;  // [out, rank]

 private:
  double scale_;
  double dropout_;
  Generator* dropout_generator_;
};

// Puts an adapter on the `config.targets` layers of every block of `trunk` (blocks shared with
// another trunk get theirs once), initialized from `init`. ConfigError for a bad rank, alpha,
// dropout or target name.
void attach_lora(Trunk& trunk, const LoraConfig& config, Generator& init);
// The same on the trunk inside `model` (a domain's model has one); ConfigError when it has none.
void attach_lora(Module& model, const LoraConfig& config, Generator& init);
// ConfigError naming the key (under `prefix`, e.g. "finetune.lora.") of the first bad setting.
void check_lora_config(const LoraConfig& config, const std::string& prefix);

}  // namespace tessera::nn
