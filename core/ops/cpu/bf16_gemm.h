#pragma once
// fp32 matrix products with bf16 operands and fp32 accumulation, through oneDNN: the CPU's half
// of `precision: bf16` (ops::cpu_bf16_matmul). On Zen 4 (AVX512-BF16) about 3x the rate of
// OpenBLAS's SGEMM at our model sizes, rounding included.
#include <cstdint>

#include "core/tensor/bf16.h"

namespace tessera::cpu {

// Whether this build has oneDNN and this CPU multiplies bf16 natively (AVX512-BF16 or AMX);
// elsewhere oneDNN would emulate bf16, slower than fp32.
bool bf16_gemm_available();

// gemm() (cpu/gemm.h) with A and B rounded to bf16 (nearest even) first; C stays fp32.
void bf16_gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
               const float* b, int64_t ldb, float beta, float* c, int64_t ldc);
// The same on operands already rounded (round_to_bf16, cpu/bf16_round.h), for a caller that uses
// one rounded operand in several products.
void bf16_gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const bf16* a, int64_t lda,
               const bf16* b, int64_t ldb, float beta, float* c, int64_t ldc);

}  // namespace tessera::cpu
