#include "core/optim/adamw.h"

#include <cmath>

#include "core/autograd/autograd.h"
#include "core/ops/cuda_call.h"
#include "core/optim/cuda/adamw.h"
#include "core/util/error.h"

namespace tessera::optim {
namespace {

// Zeros beside the parameter, on its device.
Tensor zeros_like(const Tensor& p) { return Tensor::zeros(p.shape(), p.dtype(), p.device()); }

std::vector<bool> decay_matrices_and_embeddings(const nn::NamedTensors& params) {
  std::vector<bool> decay;
  for (const auto& named : params) decay.push_back(named.second.dim() >= 2);
  return decay;
}

}  // namespace

AdamW::AdamW(nn::NamedTensors params, AdamWConfig config)
    : AdamW(params, decay_matrices_and_embeddings(params), config) {}

AdamW::AdamW(nn::NamedTensors params, const std::vector<bool>& decay, AdamWConfig config) : config_(config) {
  TESSERA_CHECK(decay.size() == params.size(), "AdamW: one decay flag per parameter");
  for (size_t i = 0; i < params.size(); ++i) {
    const auto& [name, p] = params[i];
    TESSERA_CHECK(p.dtype() == DType::f32 && p.is_contiguous(), "AdamW: parameter " + name + " must be contiguous f32");
    TESSERA_CHECK(p.device() == params.front().second.device(), "AdamW: parameters on different devices");
    slots_.push_back({name, p, zeros_like(p), zeros_like(p), decay[i]});
  }
}

void AdamW::step(double lr) {
  ++steps_;
  const double bc1 = 1.0 - std::pow(config_.beta1, static_cast<double>(steps_));
  const double bc2 = 1.0 - std::pow(config_.beta2, static_cast<double>(steps_));
  const float b1 = static_cast<float>(config_.beta1), b2 = static_cast<float>(config_.beta2);
  const float step_size = static_cast<float>(lr / bc1);
  const float inv_sqrt_bc2 = static_cast<float>(1.0 / std::sqrt(bc2));
  const float eps = static_cast<float>(config_.eps);
  if (!slots_.empty() && ops::on_cuda(slots_.front().param)) {
    std::vector<cuda::AdamWTensors> tensors;
    for (Slot& s : slots_) {
      Tensor g = s.param.grad();
      if (!g.defined()) continue;
      TESSERA_CHECK(g.dtype() == DType::f32 && g.is_contiguous(), "AdamW: gradient of " + s.name + " must be contiguous f32");
      tensors.push_back({s.param, g, s.m, s.v, s.decay ? static_cast<float>(1.0 - lr * config_.weight_decay) : 1.0f});
    }
    TESSERA_CUDA_CALL(cuda::adamw_step(tensors, {b1, b2, step_size, inv_sqrt_bc2, eps}));
    return;
  }
  for (Slot& s : slots_) {
    Tensor g = s.param.grad();
    if (!g.defined()) continue;
    const float decay = s.decay ? static_cast<float>(1.0 - lr * config_.weight_decay) : 1.0f;
    float* p = s.param.data<float>();
    float* m = s.m.data<float>();
    float* v = s.v.data<float>();
    const float* gd = g.data<float>();
    const int64_t n = s.param.numel();
#pragma omp parallel for simd schedule(static) if (n > 32768)
    for (int64_t i = 0; i < n; ++i) {
      p[i] *= decay;
      m[i] = b1 * m[i] + (1.0f - b1) * gd[i];
      v[i] = b2 * v[i] + (1.0f - b2) * gd[i] * gd[i];
      p[i] -= step_size * m[i] / (std::sqrt(v[i]) * inv_sqrt_bc2 + eps);
    }
  }
}

void AdamW::zero_grad() {
  for (Slot& s : slots_) s.param.zero_grad();
}

nn::NamedTensors AdamW::state() const {
  nn::NamedTensors out;
  for (const Slot& s : slots_) out.emplace_back("m/" + s.name, s.m);
  for (const Slot& s : slots_) out.emplace_back("v/" + s.name, s.v);
  return out;
}

double grad_squared_sum(const std::vector<Tensor>& params) {
  std::vector<Tensor> grads;
  for (const Tensor& p : params)
    if (p.grad().defined()) grads.push_back(p.grad());
  if (!grads.empty() && ops::on_cuda(grads.front())) {
    double norm = 0;
    TESSERA_CUDA_CALL(norm = cuda::global_norm(grads));
    return norm * norm;
  }
  double total = 0;
  for (const Tensor& g : grads) {
    const float* d = g.data<float>();
    double s = 0;
    const int64_t n = g.numel();
    for (int64_t i = 0; i < n; ++i) s += static_cast<double>(d[i]) * d[i];
    total += s;
  }
  return total;
}

double clip_grad_norm(const std::vector<Tensor>& params, double max_norm) {
  const double norm = std::sqrt(grad_squared_sum(params));
  clip_grads_to(params, norm, max_norm);
  return norm;
}

void clip_grads_to(const std::vector<Tensor>& params, double norm, double max_norm) {
  if (max_norm > 0 && norm > max_norm) {
    const float f = static_cast<float>(max_norm / (norm + 1e-6));
    for (const Tensor& p : params) {
      Tensor g = p.grad();
      if (!g.defined()) continue;
      // The gradient may alias another tensor's; give this parameter its own scaled copy.
      Tensor scaled;
      if (ops::on_cuda(g)) {
        scaled = Tensor::empty(g.shape(), g.dtype(), g.device());
        TESSERA_CUDA_CALL(cuda::scale_into(g, f, scaled));
      } else {
        scaled = g.contiguous_copy();
        float* d = scaled.data<float>();
        for (int64_t i = 0; i < scaled.numel(); ++i) d[i] *= f;
      }
      const_cast<Tensor&>(p).set_grad(scaled);
    }
  }
}

double LrSchedule::at(int64_t step) const {
  if (warmup_steps > 0 && step < warmup_steps)
    return base_lr * static_cast<double>(step + 1) / static_cast<double>(warmup_steps);
  if (total_steps <= warmup_steps) return base_lr;
  const double progress = std::min(1.0, static_cast<double>(step - warmup_steps) / static_cast<double>(total_steps - warmup_steps));
  return min_lr + 0.5 * (base_lr - min_lr) * (1.0 + std::cos(3.141592653589793 * progress));
}

}  // namespace tessera::optim
