#include "core/ops/matmul_precision.h"

#include <atomic>

namespace tessera::ops {
namespace {
std::atomic<bool> tf32_allowed{false};
}  // namespace

void set_tf32_matmul(bool allowed) { tf32_allowed = allowed; }
bool tf32_matmul() { return tf32_allowed; }

}  // namespace tessera::ops
