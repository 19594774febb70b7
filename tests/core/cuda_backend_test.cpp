// The CUDA backend beyond single ops: transfers, the caching allocator, moving modules,
// checkpoints of device models, the device optimizer against the CPU one, and bf16 mixed
// precision. Every test skips without a CUDA device.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "core/cuda/runtime.h"
#include "core/io/checkpoint.h"
#include "core/nn/layers.h"
#include "core/nn/mixed_precision.h"
#include "core/ops/ops.h"
#include "core/optim/adamw.h"
#include "core/util/rng.h"
#include "tests/support/scratch_dir.h"

namespace tessera {
namespace {

const Device kGpu = Device::cuda(0);

class CudaBackend : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!cuda::available()) GTEST_SKIP() << "no CUDA device";
  }
};

std::vector<double> random_values(int64_t n, uint64_t seed) {
  Generator g(seed);
  std::vector<double> v(static_cast<size_t>(n));
  for (double& x : v) x = 2.0 * g.uniform() - 1.0;
  return v;
}

// A 16 -> 8 linear layer with seeded values.
struct RandomLinear : nn::Linear {
  explicit RandomLinear(uint64_t seed) : nn::Linear(16, 8) {
    for (const Tensor& p : parameters()) {
      const std::vector<double> v = random_values(p.numel(), seed++);
      for (int64_t i = 0; i < p.numel(); ++i) p.data<float>()[i] = static_cast<float>(v[i]);
    }
  }
};

void expect_near_relative(const std::vector<double>& got, const std::vector<double>& want, double rel) {
  ASSERT_EQ(got.size(), want.size());
  double scale = 0, worst = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    scale = std::max(scale, std::abs(want[i]));
    worst = std::max(worst, std::abs(got[i] - want[i]));
  }
  EXPECT_LE(worst, rel * scale);
}

TEST_F(CudaBackend, TransfersKeepEveryBit) {
  for (DType dtype : {DType::f32, DType::f64, DType::bf16, DType::i64}) {
    const Tensor host = Tensor::from_vector(random_values(1000, 7), {10, 100}).to(dtype);
    const Tensor device = host.to(kGpu);
    EXPECT_EQ(device.device(), kGpu);
    EXPECT_EQ(device.to(Device::cpu()).to_doubles(), host.to_doubles()) << dtype_name(dtype);
  }
}

// Host-to-device copies return before the device has the bytes (staged in pinned memory): one
// host buffer, rewritten after every copy, must still arrive as each copy's own values, through
// several wraps of the 32 MB staging ring and beside copies too large to stage.
TEST_F(CudaBackend, StagedCopiesKeepTheirValuesWhenTheHostBufferIsReusedAtOnce) {
  std::vector<Tensor> on_device;
  Tensor host = Tensor::empty({3 << 20}, DType::f32);  // 12 MB: staged
  Tensor large = Tensor::empty({5 << 20}, DType::f32);  // 20 MB: copied directly
  for (int i = 0; i < 12; ++i) {
    Tensor& source = i % 5 == 4 ? large : host;
    for (int64_t k = 0; k < source.numel(); k += 4099) source.data<float>()[k] = static_cast<float>(i * 100000 + k);
    on_device.push_back(source.to(kGpu));
    for (int64_t k = 0; k < source.numel(); k += 4099) source.data<float>()[k] = -1.0f;
  }
  for (int i = 0; i < 12; ++i) {
    const Tensor back = on_device[static_cast<size_t>(i)].to(Device::cpu());
    for (int64_t k = 0; k < back.numel(); k += 4099)
      ASSERT_EQ(back.data<float>()[k], static_cast<float>(i * 100000 + k)) << "copy " << i << ", element " << k;
  }
  std::vector<Tensor> small;
  Tensor tokens = Tensor::empty({3}, DType::i64);
  for (int64_t i = 0; i < 200000; ++i) {  // 256-byte regions: many laps of the ring
    tokens.data<int64_t>()[0] = i;
    const Tensor moved = tokens.to(kGpu);
    if (i % 1000 == 0) small.push_back(moved);
  }
  for (size_t j = 0; j < small.size(); ++j)
    ASSERT_EQ(small[j].to(Device::cpu()).data<int64_t>()[0], static_cast<int64_t>(j * 1000));
}

TEST_F(CudaBackend, StridedTensorsTransferInLogicalOrder) {
  const Tensor host = Tensor::from_vector(random_values(12, 3), {3, 4});
  const Tensor transposed = host.as_strided({4, 3}, {1, 4}, 0);
  EXPECT_EQ(transposed.to(kGpu).to_doubles(), transposed.to_doubles());
}

TEST_F(CudaBackend, AllocatorReusesFreedBlocks) {
  void* first = nullptr;
  {
    const Tensor t = Tensor::empty({1 << 20}, DType::f32, kGpu);
    first = t.raw_data();
  }
  const Tensor again = Tensor::empty({1 << 20}, DType::f32, kGpu);
  EXPECT_EQ(again.raw_data(), first) << "a freed block of the same size class should be handed out again";
}

TEST_F(CudaBackend, ModuleMovesParametersInPlace) {
  RandomLinear l(1);
  const Tensor weight = l.weight;  // a handle taken before the move, as layers and optimizers hold
  const std::vector<double> before = weight.to_doubles();
  l.to(kGpu);
  EXPECT_EQ(weight.device(), kGpu);
  EXPECT_EQ(l.device(), kGpu);
  EXPECT_EQ(weight.to_doubles(), before);
  l.to(Device::cpu());
  EXPECT_TRUE(weight.device().is_cpu());
  EXPECT_EQ(weight.to_doubles(), before);
}

TEST_F(CudaBackend, CheckpointsOfDeviceModelsHoldHostTensorsAndLoadOntoDevices) {
  const test_support::ScratchDir dir;
  const std::string path = (dir / "linear.h5").string();
  RandomLinear saved(2);
  saved.to(kGpu);
  io::save_checkpoint(path, saved.named_parameters(), io::CheckpointMeta{"test/linear", "", 0, {}, {}});
  RandomLinear on_host(50), on_device(60);
  on_device.to(kGpu);
  io::load_checkpoint(path, on_host.named_parameters());
  io::load_checkpoint(path, on_device.named_parameters());
  EXPECT_EQ(on_host.weight.to_doubles(), saved.weight.to_doubles());
  EXPECT_EQ(on_device.weight.to_doubles(), saved.weight.to_doubles());
  EXPECT_EQ(on_device.weight.device(), kGpu);
}

// Gives both modules the same seeded gradients (each on its module's device).
void set_gradients(nn::Module& a, nn::Module& b, uint64_t seed) {
  const nn::NamedTensors pa = a.named_parameters(), pb = b.named_parameters();
  for (size_t i = 0; i < pa.size(); ++i) {
    const Tensor g = Tensor::from_vector(random_values(pa[i].second.numel(), seed + i), pa[i].second.shape()).to(DType::f32);
    Tensor(pa[i].second).set_grad(a.place(g));
    Tensor(pb[i].second).set_grad(b.place(g));
  }
}

TEST_F(CudaBackend, AdamWAndClippingMatchTheCpu) {
  RandomLinear cpu_model(3), gpu_model(3);
  gpu_model.to(kGpu);
  const optim::AdamWConfig config{1e-2, 0.9, 0.95, 1e-8, 0.1};
  optim::AdamW cpu_opt(cpu_model.named_parameters(), config), gpu_opt(gpu_model.named_parameters(), config);
  for (int step = 0; step < 3; ++step) {
    set_gradients(cpu_model, gpu_model, 100 + 10 * step);
    const double cpu_norm = optim::clip_grad_norm(cpu_model.parameters(), 0.5);
    const double gpu_norm = optim::clip_grad_norm(gpu_model.parameters(), 0.5);
    EXPECT_NEAR(gpu_norm, cpu_norm, 1e-9 * cpu_norm);
    expect_near_relative(gpu_model.weight.grad().to_doubles(), cpu_model.weight.grad().to_doubles(), 1e-6);
    cpu_opt.step(config.lr);
    gpu_opt.step(config.lr);
  }
  expect_near_relative(gpu_model.weight.to_doubles(), cpu_model.weight.to_doubles(), 1e-6);
  expect_near_relative(gpu_model.bias.to_doubles(), cpu_model.bias.to_doubles(), 1e-6);
}

TEST_F(CudaBackend, Bf16ScopeRunsInBf16AndAccumulatesFp32Gradients) {
  RandomLinear fp32_model(4), bf16_model(4);
  fp32_model.to(kGpu);
  bf16_model.to(kGpu);
  const Tensor x = Tensor::from_vector(random_values(32 * 16, 9), {32, 16}).to(DType::f32);
  ops::sum(fp32_model.forward(fp32_model.place(x), ops::Activation::gelu_tanh)).backward();
  for (int micro = 0; micro < 2; ++micro) {  // two micro-batches: the master gradient sums both
    nn::Bf16Scope scope(bf16_model, nn::Precision::bf16);
    EXPECT_EQ(bf16_model.weight.dtype(), DType::bf16);
    const Tensor y = bf16_model.forward(bf16_model.place(x.to(DType::bf16)), ops::Activation::gelu_tanh);
    EXPECT_EQ(y.dtype(), DType::bf16);
    ops::sum(y).backward();
    scope.end();
  }
  EXPECT_EQ(bf16_model.weight.dtype(), DType::f32);
  ASSERT_TRUE(bf16_model.weight.grad().defined());
  EXPECT_EQ(bf16_model.weight.grad().dtype(), DType::f32);
  std::vector<double> twice = fp32_model.weight.grad().to_doubles();
  for (double& v : twice) v *= 2;
  // bf16 inputs, weights and outputs: a few bf16 roundings (2^-9 each) on the gradient's scale.
  expect_near_relative(bf16_model.weight.grad().to_doubles(), twice, 2e-2);
}

}  // namespace
}  // namespace tessera
