// Tensor storage, views, dtypes and devices.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "core/ops/ops.h"
#include "core/tensor/tensor.h"
#include "core/util/error.h"

namespace tessera {
namespace {

TEST(Tensor, StorageIs64ByteAligned) {
  for (int64_t n : {1, 3, 17, 1000, 100000}) {
    Tensor t = Tensor::empty({n});
    EXPECT_EQ(reinterpret_cast<uintptr_t>(t.raw_data()) % 64, 0u) << n;
  }
}

TEST(Tensor, ViewsShareStorageAndCopyMaterializes) {
  Tensor t = Tensor::from_vector<float>({0, 1, 2, 3, 4, 5}, {2, 3});
  Tensor tr = ops::transpose(t, 0, 1);
  EXPECT_TRUE(tr.same_storage(t));
  EXPECT_FALSE(tr.is_contiguous());
  EXPECT_EQ(tr.to_doubles(), (std::vector<double>{0, 3, 1, 4, 2, 5}));
  Tensor c = ops::contiguous(tr);
  EXPECT_TRUE(c.is_contiguous());
  EXPECT_FALSE(c.same_storage(t));
  EXPECT_EQ(c.to_doubles(), tr.to_doubles());
  Tensor col = ops::slice(t, 1, 1, 3);
  EXPECT_EQ(col.to_doubles(), (std::vector<double>{1, 2, 4, 5}));
}

TEST(Tensor, Bf16RoundsToNearestEven) {
  EXPECT_EQ(bf16_to_float(float_to_bf16(1.0f)), 1.0f);
  EXPECT_EQ(bf16_to_float(float_to_bf16(-2.5f)), -2.5f);
  // 1 + 2^-8 lies halfway between bf16 neighbours 1 and 1 + 2^-7: ties go to the even one (1).
  EXPECT_EQ(bf16_to_float(float_to_bf16(1.0f + std::ldexp(1.0f, -8))), 1.0f);
  EXPECT_EQ(bf16_to_float(float_to_bf16(1.0f + 3 * std::ldexp(1.0f, -8))), 1.0f + std::ldexp(1.0f, -6));
  EXPECT_TRUE(std::isnan(bf16_to_float(float_to_bf16(NAN))));
  EXPECT_TRUE(std::isinf(bf16_to_float(float_to_bf16(INFINITY))));
}

TEST(Tensor, DtypeConversionRoundTrips) {
  Tensor f = Tensor::from_vector<float>({0.5f, -1.25f, 3.0f, 1e-3f}, {4});
  Tensor b = f.to(DType::bf16);
  EXPECT_EQ(b.dtype(), DType::bf16);
  EXPECT_EQ(b.nbytes(), 8u);
  const auto back = b.to(DType::f32).to_doubles();
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(back[i], f.to_doubles()[i]);
  EXPECT_NEAR(back[3], 1e-3, 1e-5);
  EXPECT_EQ(f.to(DType::i64).to_doubles(), (std::vector<double>{0, -1, 3, 0}));
}

TEST(Tensor, DeviceNames) {
  EXPECT_EQ(Device::parse("cpu").str(), "cpu");
  EXPECT_EQ(Device::parse("cuda").str(), "cuda:0");
  EXPECT_EQ(Device::parse("cuda:3").index, 3);
  EXPECT_THROW(Device::parse("gpu"), ConfigError);
  EXPECT_THROW(Device::parse("cuda:x"), ConfigError);
}

TEST(Tensor, ErrorsNameTheProblem) {
  EXPECT_THROW(Tensor::empty({2, -1}), ShapeError);
  Tensor t = Tensor::zeros({2, 3});
  EXPECT_THROW(t.data<double>(), ShapeError);
  EXPECT_THROW(ops::reshape(t, {4, 2}), ShapeError);
  EXPECT_THROW(ops::matmul(t, t), ShapeError);
  try {
    ops::add(t, Tensor::zeros({4}));
    FAIL();
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("[2,3] and [4]"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tessera
