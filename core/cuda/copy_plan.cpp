#include "core/cuda/copy_plan.h"

namespace tessera::cuda {

CopyPlan plan_copy(Device dst, Device src) {
  if (dst.is_cpu()) return {src, std::nullopt};
  if (src.is_cpu() || src == dst) return {dst, std::nullopt};
  return {dst, src};
}

}  // namespace tessera::cuda
