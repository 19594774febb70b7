#include "core/nn/mixed_precision.h"

#include "core/util/error.h"

namespace tessera::nn {

Precision parse_precision(const std::string& text, const std::string& where) {
  if (text == "fp32") return Precision::fp32;
  if (text == "tf32") return Precision::tf32;
  if (text == "bf16") return Precision::bf16;
  throw ConfigError(where, "unknown precision '" + text + "' (allowed: fp32, tf32, bf16)");
}

void require_device_for(Precision precision, Device device, const std::string& where) {
  if (precision != Precision::fp32 && device.is_cpu())
    throw ConfigError(where, std::string(precision == Precision::tf32 ? "tf32" : "bf16") +
                                 " runs on CUDA devices only (use --device cuda, or fp32 on the CPU)");
}

Bf16Scope::Bf16Scope(Module& model, Precision precision) {
  if (precision != Precision::bf16) return;
  for (auto& [name, p] : model.named_parameters()) {
    TESSERA_CHECK(p.dtype() == DType::f32 && p.is_contiguous(), "bf16 precision: parameter " + name + " must be contiguous f32");
    TensorImpl* impl = p.impl();
    masters_.push_back({p, impl->storage, impl->offset, impl->grad, impl->grad_owned});
    const Tensor shadow = p.to(DType::bf16);
    impl->storage = shadow.impl()->storage;
    impl->offset = 0;
    impl->dtype = DType::bf16;
    impl->grad.reset();
    impl->grad_owned = false;
  }
}

Bf16Scope::~Bf16Scope() { restore(); }

void Bf16Scope::restore() {
  for (Master& m : masters_) {
    TensorImpl* impl = m.param.impl();
    impl->storage = m.storage;
    impl->offset = m.offset;
    impl->dtype = DType::f32;
    impl->grad = m.grad;
    impl->grad_owned = m.grad_owned;
  }
  masters_.clear();
}

void Bf16Scope::end() {
  std::vector<Tensor> grads;
  for (Master& m : masters_) grads.push_back(m.param.grad());
  std::vector<Master> masters = masters_;
  restore();
  for (size_t i = 0; i < masters.size(); ++i)
    if (grads[i].defined()) masters[i].param.accumulate_grad(grads[i].to(DType::f32));
}

}  // namespace tessera::nn
