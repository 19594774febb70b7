#pragma once
// Rounds fp32 values to bf16 exactly as float_to_bf16 (core/tensor/bf16.h) does, 16 at a time
// where the CPU has AVX-512: bf16 matrix products round both operands on every call, and the
// compiler's own vectorization of float_to_bf16 (SSE2 at the project's baseline) made that a
// quarter of bf16 training time.
#include <cstdint>

#include "core/tensor/bf16.h"

namespace tessera::cpu {

void round_to_bf16(const float* src, int64_t n, bf16* dst);

}  // namespace tessera::cpu
