// The vectorized bf16 rounding (core/ops/cpu/bf16_round.h) gives float_to_bf16's bits for every
// kind of value: ties to even both ways, denormals (which vcvtneps2bf16 would flush), infinities,
// NaNs of both signs and payloads, and lengths that leave a scalar tail.
#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "core/ops/cpu/bf16_round.h"

namespace tessera::cpu {
namespace {

float from_bits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

void expect_scalar_bits(const std::vector<float>& values) {
  for (const int64_t n : {int64_t(values.size()), int64_t(values.size()) - 1, int64_t(15), int64_t(17), int64_t(0)}) {
    if (n < 0 || n > int64_t(values.size())) continue;
    std::vector<bf16> got(static_cast<size_t>(n) + 1, bf16{0xabcd});
    round_to_bf16(values.data(), n, got.data());
    for (int64_t i = 0; i < n; ++i)
      ASSERT_EQ(got[i].bits, float_to_bf16(values[i]).bits) << "value " << i << " bits 0x" << std::hex
                                                            << [&] { uint32_t u; std::memcpy(&u, &values[i], 4); return u; }();
    EXPECT_EQ(got[n].bits, 0xabcd) << "wrote past " << n << " values";
  }
}

TEST(Bf16Round, EveryKindOfValueRoundsAsTheScalarRounding) {
  std::vector<float> values;
  for (uint32_t sign : {0u, 0x80000000u})
    for (uint32_t u : {0x00000000u, 0x00000001u, 0x00007fffu, 0x00008000u, 0x00018000u, 0x007fffffu,  // zero, denormals
                       0x3f808000u, 0x3f818000u, 0x3f80ffffu, 0x3f807fffu,                          // ties both ways
                       0x7f7fffffu, 0x7f800000u, 0x7f800001u, 0x7fc00000u, 0x7fffffffu, 0x7fbfffffu})  // max, inf, NaNs
      values.push_back(from_bits(u | sign));
  values.push_back(std::numeric_limits<float>::quiet_NaN());
  expect_scalar_bits(values);
}

TEST(Bf16Round, RandomBitPatternsRoundAsTheScalarRounding) {
  std::mt19937 rng(3);
  std::vector<float> values(100003);
  for (float& v : values) v = from_bits(static_cast<uint32_t>(rng()));
  expect_scalar_bits(values);
}

}  // namespace
}  // namespace tessera::cpu
