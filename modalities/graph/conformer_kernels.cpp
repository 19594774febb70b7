#include "modalities/graph/conformer_kernels.h"

#include <algorithm>
#include <cmath>

namespace tessera::graph {

float ConformerKernels::mean(int k) const { return first + width() * static_cast<float>(k); }

float ConformerKernels::width() const { return (last - first) / static_cast<float>(std::max(count - 1, 1)); }

void ConformerKernels::features(float distance, float* out) const {
  const float w = width();
  for (int k = 0; k < count; ++k) {
    const float z = (distance - mean(k)) / w;
    out[k] = std::isnan(distance) ? 0.0f : std::exp(-0.5f * z * z);
  }
}

ConformerKernels default_conformer_kernels() {
  ConformerKernels k;
  k.count = 16;
  return k;
}

}  // namespace tessera::graph
