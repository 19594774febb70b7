#include "core/nn/layers.h"

#include "core/util/error.h"

namespace tessera::nn {

Linear::Linear(int64_t in_features, int64_t out_features, bool has_bias) {
  weight = register_parameter("weight", Tensor::zeros({out_features, in_features}));
  if (has_bias) bias = register_parameter("bias", Tensor::zeros({out_features}));
}

Embedding::Embedding(int64_t num_embeddings, int64_t dim) {
  weight = register_parameter("weight", Tensor::zeros({num_embeddings, dim}));
}

NormKind norm_kind_from_name(const std::string& name) {
  if (name == "layernorm") return NormKind::layernorm;
  if (name == "rmsnorm") return NormKind::rmsnorm;
  throw ConfigError("", "unknown norm '" + name + "' (allowed: layernorm, rmsnorm)");
}

Norm::Norm(int64_t dim, NormKind kind, double eps) : kind_(kind), eps_(eps) {
  weight = register_parameter("weight", Tensor::ones({dim}));
  if (kind == NormKind::layernorm) bias = register_parameter("bias", Tensor::zeros({dim}));
}

Tensor Norm::forward(const Tensor& x) const {
  return kind_ == NormKind::layernorm ? ops::layernorm(x, weight, bias, eps_) : ops::rmsnorm(x, weight, eps_);
}

ops::ResidualNorm Norm::forward_residual(const Tensor& x, const Tensor& residual) const {
  return kind_ == NormKind::layernorm ? ops::add_layernorm(x, residual, weight, bias, eps_)
                                      : ops::add_rmsnorm(x, residual, weight, eps_);
}

}  // namespace tessera::nn
