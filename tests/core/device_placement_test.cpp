// Device placement and precision choices that hold on any machine, GPU or not.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/cuda/runtime.h"
#include "core/nn/layers.h"
#include "core/nn/mixed_precision.h"
#include "core/util/error.h"

namespace tessera {
namespace {

// A 3 -> 2 linear layer whose parameters hold 0.25, 0.5, ... (exact in bf16).
struct FilledLinear : nn::Linear {
  FilledLinear() : nn::Linear(3, 2) {
    for (const Tensor& p : parameters())
      for (int64_t i = 0; i < p.numel(); ++i) p.data<float>()[i] = 0.25f * static_cast<float>(i + 1);
  }
};

TEST(DevicePlacement, ModuleToItsOwnDeviceKeepsStorageAndGradients) {
  FilledLinear l;
  const Tensor weight = l.weight;
  weight.impl()->grad = Tensor::ones({2, 3}).impl_ptr();
  l.to(Device::cpu());
  EXPECT_TRUE(weight.same_storage(l.weight));
  EXPECT_TRUE(l.weight.grad().defined()) << "a move to where the parameter already is must be a no-op";
  EXPECT_EQ(l.device(), Device::cpu());
}

TEST(DevicePlacement, PlaceReturnsTheSameTensorOnTheModelsDevice) {
  FilledLinear l;
  const Tensor x = Tensor::ones({4, 3});
  EXPECT_TRUE(l.place(x).same_storage(x));
}

// usable_device must refuse `text` with a ConfigError naming `where` and the device.
void expect_refused(const std::string& text, const std::string& where) {
  try {
    cuda::usable_device(text, where);
    ADD_FAILURE() << text << " was accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.path(), where);
    EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
  }
}

TEST(DevicePlacement, UnknownDeviceNamesAreConfigErrorsNamingTheFlag) {
  for (const std::string text : {"gpu", "cuda:", "cuda:x", "CPU"}) expect_refused(text, "--device");
  EXPECT_EQ(cuda::usable_device("cpu", "--device"), Device::cpu());
}

TEST(DevicePlacement, AMissingCudaDeviceIsAConfigError) {
  expect_refused("cuda:" + std::to_string(cuda::device_count()), "training.device");
}

TEST(MixedPrecision, PrecisionNamesAreChecked) {
  EXPECT_EQ(nn::parse_precision("fp32", "training.precision"), nn::Precision::fp32);
  EXPECT_EQ(nn::parse_precision("tf32", "training.precision"), nn::Precision::tf32);
  EXPECT_EQ(nn::parse_precision("bf16", "training.precision"), nn::Precision::bf16);
  EXPECT_THROW(nn::parse_precision("fp16", "training.precision"), ConfigError);
}

TEST(MixedPrecision, Tf32AndBf16NeedACudaDevice) {
  EXPECT_NO_THROW(nn::require_device_for(nn::Precision::fp32, Device::cpu(), "training.precision"));
  for (const nn::Precision precision : {nn::Precision::tf32, nn::Precision::bf16}) {
    EXPECT_THROW(nn::require_device_for(precision, Device::cpu(), "training.precision"), ConfigError);
    EXPECT_NO_THROW(nn::require_device_for(precision, Device::cuda(0), "training.precision"));
  }
}

// The swap itself is plain host work, so it is checked here; the bf16 compute is CUDA's.
TEST(MixedPrecision, ScopeSwapsParametersAndRestoresTheMasters) {
  for (const nn::Precision precision : {nn::Precision::fp32, nn::Precision::tf32, nn::Precision::bf16}) {
    const DType inside = precision == nn::Precision::bf16 ? DType::bf16 : DType::f32;
    FilledLinear l;
    const Tensor weight = l.weight;
    const std::vector<double> before = weight.to_doubles();
    {
      nn::Bf16Scope scope(l, precision);
      EXPECT_EQ(weight.dtype(), inside);
      EXPECT_EQ(weight.to_doubles(), before) << "these values are exact in bf16";
      weight.impl()->grad = Tensor::full({2, 3}, 0.5, inside).impl_ptr();
      scope.end();
    }
    EXPECT_EQ(weight.dtype(), DType::f32);
    EXPECT_EQ(weight.to_doubles(), before);
    ASSERT_TRUE(weight.grad().defined());
    EXPECT_EQ(weight.grad().dtype(), DType::f32);
    EXPECT_EQ(weight.grad().to_doubles(), std::vector<double>(6, 0.5));
  }
}

}  // namespace
}  // namespace tessera
