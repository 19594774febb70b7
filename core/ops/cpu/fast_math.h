#pragma once
// Vectorizable float exp and tanh. libm's expf/tanhf are scalar calls that block vectorization
// and dominated the softmax and GELU loops; these are branch-free (the compiler turns the
// selects into blends) and accurate to a few ulp. The double versions stay on libm: f64 exists
// for gradient checks, where accuracy is the point.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace tessera::cpu {

inline float exp_fast(float x) {
  // exp(x) = 2^n * exp(r), n = round(x / ln 2), |r| <= ln2 / 2, Cephes polynomial for exp(r).
  // n is rounded by adding 1.5 * 2^23 (its integer then sits in the low mantissa bits): a
  // float-to-int conversion here kept GCC from vectorizing the AVX clones.
  const float xc = std::min(std::max(x, -87.3365447504f), 88.3762626647949f);
  const float shifted = xc * 1.44269504088896341f + 12582912.0f;
  const float fn = shifted - 12582912.0f;
  float r = xc - fn * 0.693359375f;
  r = r - fn * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  // Unsigned: a NaN or huge input makes these bits overflow, which is undefined for int32_t
  // (UBSan, on a NaN loss); for every finite input the bits are the same.
  uint32_t n;
  std::memcpy(&n, &shifted, 4);
  const uint32_t bits = (n - 0x4B400000u + 127u) << 23;
  float scale;
  std::memcpy(&scale, &bits, 4);
  // Below the clamp exp underflows: exact zero, so masked (-inf) scores get no weight.
  return x < -87.3365447504f ? 0.0f : p * scale;
}
inline double exp_fast(double x) { return std::exp(x); }

inline float tanh_fast(float x) {
  // tanh(x) = 1 - 2 / (exp(2x) + 1): saturates correctly at both ends.
  return 1.0f - 2.0f / (exp_fast(2.0f * x) + 1.0f);
}
inline double tanh_fast(double x) { return std::tanh(x); }

}  // namespace tessera::cpu
