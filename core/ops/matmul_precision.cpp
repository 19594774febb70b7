#include "core/ops/matmul_precision.h"

#include <atomic>

namespace tessera::ops {
namespace {
std::atomic<bool> tf32_allowed{false};
std::atomic<bool> cpu_bf16_on{false};
}  // namespace

void set_tf32_matmul(bool allowed) { tf32_allowed = allowed; }
bool tf32_matmul() { return tf32_allowed; }

void set_cpu_bf16_matmul(bool on) { cpu_bf16_on = on; }
bool cpu_bf16_matmul() { return cpu_bf16_on; }

}  // namespace tessera::ops
