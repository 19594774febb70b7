#include "core/ops/matmul_precision.h"

#include <algorithm>
#include <atomic>

namespace tessera::ops {
namespace {
std::atomic<bool> tf32_allowed{false};
std::atomic<bool> cpu_bf16_on{false};
std::atomic<int64_t> cpu_bf16_min_dimension{0};
}  // namespace

void set_tf32_matmul(bool allowed) { tf32_allowed = allowed; }
bool tf32_matmul() { return tf32_allowed; }

void set_cpu_bf16_matmul(bool on, int64_t min_dimension) {
  cpu_bf16_min_dimension = min_dimension;
  cpu_bf16_on = on;
}
bool cpu_bf16_matmul(int64_t m, int64_t n, int64_t k) {
  return cpu_bf16_on && std::min({m, n, k}) >= cpu_bf16_min_dimension;
}

}  // namespace tessera::ops
