#pragma once
#include <cstdint>
#include <cstring>

namespace tessera {

// bfloat16 storage: the upper half of an IEEE float, rounded to nearest even.
struct bf16 {
  uint16_t bits = 0;
};

// Branch-free, so that loops of it vectorize (the CPU's bf16 products round every operand).
inline bf16 float_to_bf16(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  const uint32_t rounded = (u + 0x7fffu + ((u >> 16) & 1u)) >> 16;
  const uint32_t quiet_nan = (u >> 16) | 0x40u;  // NaN stays NaN
  bf16 r;
  r.bits = static_cast<uint16_t>((u & 0x7fffffffu) > 0x7f800000u ? quiet_nan : rounded);
  return r;
}

inline float bf16_to_float(bf16 h) {
  uint32_t u = static_cast<uint32_t>(h.bits) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

}  // namespace tessera
