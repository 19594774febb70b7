#include "core/nn/mixed_precision.h"

#include <atomic>

#include "core/ops/cpu/bf16_gemm.h"
#include "core/ops/matmul_precision.h"
#include "core/util/error.h"

namespace tessera::nn {

Precision parse_precision(const std::string& text, const std::string& where) {
  if (text == "fp32") return Precision::fp32;
  if (text == "tf32") return Precision::tf32;
  if (text == "bf16") return Precision::bf16;
  throw ConfigError(where, "unknown precision '" + text + "' (allowed: fp32, tf32, bf16)");
}

void require_device_for(Precision precision, Device device, const std::string& where) {
  if (precision == Precision::tf32 && device.is_cpu())
    throw ConfigError(where, "tf32 runs on CUDA devices only (use --device cuda, or fp32 or bf16 on the CPU)");
}

std::string precision_name(Precision precision) {
  return precision == Precision::bf16 ? "bf16" : precision == Precision::tf32 ? "tf32" : "fp32";
}

Precision use_precision(Precision precision, Device device, std::ostream* notes) {
  const bool cpu_bf16 = precision == Precision::bf16 && device.is_cpu();
  const bool fallback = cpu_bf16 && !cpu::bf16_gemm_available();
  static std::atomic<bool> noted{false};
  if (fallback && notes && !noted.exchange(true))
    *notes << "tessera: note: bf16 runs as fp32 here: bf16 matrix products on the CPU need AVX512-BF16 or AMX "
              "and a build with oneDNN\n";
  ops::set_tf32_matmul(precision == Precision::tf32);
  ops::set_cpu_bf16_matmul(cpu_bf16 && !fallback);
  return fallback ? Precision::fp32 : precision;
}

Bf16Scope::Bf16Scope(Module& model, Precision precision) {
  if (precision != Precision::bf16 || model.device().is_cpu()) return;
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
