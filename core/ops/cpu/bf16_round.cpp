#include "core/ops/cpu/bf16_round.h"

// gcc 12 warns that AVX-512 intrinsics read the deliberately undefined vector they start from
// (_mm512_undefined_epi32 inside _mm512_srli_epi32 and _mm512_cvtepi32_epi16).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

namespace tessera::cpu {
namespace {

void round_scalar(const float* src, int64_t n, bf16* dst) {
  for (int64_t i = 0; i < n; ++i) dst[i] = float_to_bf16(src[i]);
}

// float_to_bf16's integer arithmetic, lane by lane: round to nearest even on the bit pattern, and
// NaN kept NaN (quieted) rather than rounded into infinity. Not vcvtneps2bf16, which flushes
// denormals to zero and so would differ from the scalar rounding and from CUDA's.
__attribute__((target("avx512f,avx512bw"))) void round_avx512(const float* src, int64_t n, bf16* dst) {
  const __m512i half_minus_one = _mm512_set1_epi32(0x7fff), one = _mm512_set1_epi32(1);
  const __m512i magnitude = _mm512_set1_epi32(0x7fffffff), infinity = _mm512_set1_epi32(0x7f800000);
  const __m512i quiet = _mm512_set1_epi32(0x40);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512i u = _mm512_castps_si512(_mm512_loadu_ps(src + i));
    const __m512i high = _mm512_srli_epi32(u, 16);
    __m512i rounded = _mm512_srli_epi32(_mm512_add_epi32(_mm512_add_epi32(u, half_minus_one), _mm512_and_si512(high, one)), 16);
    const __mmask16 nan = _mm512_cmpgt_epu32_mask(_mm512_and_si512(u, magnitude), infinity);
    rounded = _mm512_mask_mov_epi32(rounded, nan, _mm512_or_si512(high, quiet));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm512_cvtepi32_epi16(rounded));
  }
  round_scalar(src + i, n - i, dst + i);
}

}  // namespace
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

void round_to_bf16(const float* src, int64_t n, bf16* dst) {
  static const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
  if (avx512)
    round_avx512(src, n, dst);
  else
    round_scalar(src, n, dst);
}

}  // namespace tessera::cpu
