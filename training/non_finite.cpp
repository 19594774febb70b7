#include "training/non_finite.h"

#include <cmath>

namespace tessera::training {

std::optional<std::string> first_non_finite(const nn::NamedTensors& tensors, Holder holder) {
  for (const auto& [name, tensor] : tensors) {
    const Tensor source = holder == Holder::gradients ? tensor.grad() : tensor;
    if (!source.defined() || source.dtype() != DType::f32) continue;
    const Tensor host = source.to(Device::cpu()).contiguous_copy();
    const float* d = host.data<float>();
    for (int64_t i = 0; i < host.numel(); ++i)
      if (!std::isfinite(d[i])) return name + (std::isnan(d[i]) ? " holds NaN" : " holds an infinite value");
  }
  return std::nullopt;
}

}  // namespace tessera::training
