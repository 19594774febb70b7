// Device placement and precision choices that hold on any machine, GPU or not.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "core/cuda/runtime.h"
#include "core/nn/layers.h"
#include "core/nn/mixed_precision.h"
#include "core/ops/cpu/bf16_gemm.h"
#include "core/ops/matmul_precision.h"
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

TEST(MixedPrecision, Tf32NeedsACudaDevice) {
  for (const nn::Precision precision : {nn::Precision::fp32, nn::Precision::bf16})
    EXPECT_NO_THROW(nn::require_device_for(precision, Device::cpu(), "training.precision"));
  EXPECT_THROW(nn::require_device_for(nn::Precision::tf32, Device::cpu(), "training.precision"), ConfigError);
  EXPECT_NO_THROW(nn::require_device_for(nn::Precision::tf32, Device::cuda(0), "training.precision"));
}

// On the CPU, bf16 is bf16 matrix products where the CPU has them, fp32 with one note elsewhere.
TEST(MixedPrecision, UsePrecisionSetsTheMatrixProductsOfARun) {
  std::ostringstream notes;
  const nn::Precision cpu = nn::use_precision(nn::Precision::bf16, Device::cpu(), &notes);
  EXPECT_EQ(ops::cpu_bf16_matmul(1024, 1024, 1024), cpu::bf16_gemm_available());
  for (const auto& [m, n, k] : {std::tuple{1024, 64, 1024}, {64, 1024, 1024}, {1024, 1024, 64}})
    EXPECT_FALSE(ops::cpu_bf16_matmul(m, n, k)) << "a side as short as a head dimension keeps the product fp32";
  EXPECT_EQ(cpu, cpu::bf16_gemm_available() ? nn::Precision::bf16 : nn::Precision::fp32);
  EXPECT_EQ(notes.str().empty(), cpu::bf16_gemm_available()) << notes.str();
  EXPECT_FALSE(ops::tf32_matmul());
  EXPECT_EQ(nn::use_precision(nn::Precision::bf16, Device::cuda(0), &notes), nn::Precision::bf16);
  EXPECT_FALSE(ops::cpu_bf16_matmul(1024, 1024, 1024)) << "CUDA's bf16 swaps parameters; the CPU's products stay fp32";
  EXPECT_EQ(nn::use_precision(nn::Precision::tf32, Device::cuda(0), &notes), nn::Precision::tf32);
  EXPECT_TRUE(ops::tf32_matmul());
  EXPECT_EQ(nn::use_precision(nn::Precision::fp32, Device::cpu(), &notes), nn::Precision::fp32);
  EXPECT_FALSE(ops::tf32_matmul());
  EXPECT_FALSE(ops::cpu_bf16_matmul(1024, 1024, 1024));
}

// On the CPU the scope is inert for every precision: bf16 there rounds matrix products only.
TEST(MixedPrecision, ScopeOnTheCpuLeavesParametersFp32) {
  for (const nn::Precision precision : {nn::Precision::fp32, nn::Precision::tf32, nn::Precision::bf16}) {
    FilledLinear l;
    const Tensor weight = l.weight;
    const std::vector<double> before = weight.to_doubles();
    nn::Bf16Scope scope(l, precision);
    EXPECT_EQ(weight.dtype(), DType::f32);
    EXPECT_EQ(weight.to_doubles(), before);
    scope.end();
    EXPECT_EQ(weight.dtype(), DType::f32);
  }
}

// The swap on a CUDA device (the bf16 compute itself is cuda_backend_test's).
TEST(MixedPrecision, ScopeSwapsParametersAndRestoresTheMasters) {
  if (!cuda::available()) GTEST_SKIP() << "no CUDA device: the scope swaps parameters on CUDA devices only";
  for (const nn::Precision precision : {nn::Precision::fp32, nn::Precision::tf32, nn::Precision::bf16}) {
    const DType inside = precision == nn::Precision::bf16 ? DType::bf16 : DType::f32;
    FilledLinear l;
    l.to(Device::cuda(0));
    const Tensor weight = l.weight;
    const std::vector<double> before = weight.to_doubles();
    {
      nn::Bf16Scope scope(l, precision);
      EXPECT_EQ(weight.dtype(), inside);
      EXPECT_EQ(weight.to_doubles(), before) << "these values are exact in bf16";
      weight.impl()->grad = Tensor::full({2, 3}, 0.5, inside).to(Device::cuda(0)).impl_ptr();
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
