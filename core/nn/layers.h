#pragma once
// The basic layers: thin owners of parameters around one fused op each.
#include <memory>

#include "core/nn/module.h"
#include "core/ops/ops.h"

namespace tessera::nn {

class LoraAdapter;

class Linear : public Module {
 public:
  Linear(int64_t in_features, int64_t out_features, bool bias = true);
  // act(x W^T + b), plus the adapter's low-rank term before the activation when there is one.
  Tensor forward(const Tensor& x, ops::Activation act = ops::Activation::none) const;
  // Fine-tuning with LoRA (core/nn/lora.h): the adapter becomes the child "lora".
  void set_adapter(std::shared_ptr<LoraAdapter> adapter);
  bool has_adapter() const { return adapter_ != nullptr; }
  int64_t in_features() const { return weight.size(1); }
  int64_t out_features() const { return weight.size(0); }
  Tensor weight;  // [out, in]
  Tensor bias;    // [out] or undefined

 private:
  std::shared_ptr<LoraAdapter> adapter_;
};

class Embedding : public Module {
 public:
  Embedding(int64_t num_embeddings, int64_t dim);
  Tensor forward(const Tensor& indices) const { return ops::embedding(weight, indices); }
  Tensor weight;  // [num_embeddings, dim]
};

enum class NormKind { layernorm, rmsnorm };
NormKind norm_kind_from_name(const std::string& name);

// LayerNorm (weight and bias) or RMSNorm (weight only), chosen by kind.
class Norm : public Module {
 public:
  Norm(int64_t dim, NormKind kind = NormKind::layernorm, double eps = 1e-5);
  Tensor forward(const Tensor& x) const;
  // x + residual and its normalization, in one pass (ops::add_layernorm / add_rmsnorm).
  ops::ResidualNorm forward_residual(const Tensor& x, const Tensor& residual) const;
  Tensor weight;
  Tensor bias;

 private:
  NormKind kind_;
  double eps_;
};

}  // namespace tessera::nn
