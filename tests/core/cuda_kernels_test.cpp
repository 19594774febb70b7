// The CUDA kernels of the element-wise, reduction, shape, softmax, normalization, embedding, rope,
// dropout and loss ops, and of the raw Tensor helpers, against the CPU kernels, at the sizes of a
// GPT training step (vocabulary 50257, width 768) where the op table's small rows would miss a
// second block, a grid-stride loop or a sort. Forward outputs and the gradients of sum(out * w)
// are compared; bf16 runs are compared with an f32 CPU run on the same bf16-rounded inputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <ostream>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "core/cuda/runtime.h"
#include "core/ops/ops.h"
#include "core/tensor/tensor.h"
#include "core/util/error.h"
#include "core/util/rng.h"

namespace tessera {

// Names the dtype in gtest's parameter listings instead of its bytes.
void PrintTo(DType dtype, std::ostream* os) { *os << dtype_name(dtype); }

namespace {

using Vec = std::vector<double>;
using Tensors = std::vector<Tensor>;

// Values in [lo, hi) from a fixed seed, as a host f64 tensor.
Tensor random(const Shape& shape, uint64_t seed, double lo = -1.0, double hi = 1.0) {
  Generator rng(seed);
  Vec v(shape_numel(shape));
  for (double& x : v) x = lo + (hi - lo) * rng.uniform();
  return Tensor::from_vector(v, shape);
}

// Integers in [0, n) as a host i64 or i32 tensor.
Tensor random_indices(const Shape& shape, int64_t n, uint64_t seed, DType dtype = DType::i64) {
  Generator rng(seed);
  std::vector<int64_t> v(shape_numel(shape));
  for (int64_t& x : v) x = static_cast<int64_t>(rng.below(static_cast<uint64_t>(n)));
  return Tensor::from_vector(v, shape).to(dtype);
}

// Passes when every |got - want| is within rel * max|want|; otherwise names the worst element.
void expect_close(const Vec& got, const Vec& want, double rel, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  double magnitude = 0, worst_error = 0;
  size_t worst = 0;
  for (double w : want) magnitude = std::max(magnitude, std::abs(w));
  for (size_t i = 0; i < got.size(); ++i) {
    const double error = std::isfinite(got[i]) == std::isfinite(want[i]) ? std::abs(got[i] - want[i]) : INFINITY;
    if (error > worst_error || std::isnan(error)) {
      worst_error = std::isnan(error) ? INFINITY : error;
      worst = i;
    }
  }
  if (worst_error <= rel * magnitude) return;
  std::ostringstream msg;
  msg.precision(10);
  msg << what << ": element " << worst << " is " << got[worst] << ", expected " << want[worst] << " (error "
      << worst_error << " > " << rel * magnitude << ")";
  ADD_FAILURE() << msg.str();
}

struct KernelCase {
  std::string name;
  std::function<Tensors()> inputs;  // on the host; floating ones in f64
  std::function<Tensor(const Tensors&)> apply;
};

// Floating inputs rounded through `dtype`, stored as `storage`, on `device`, requiring gradients.
Tensors place(const Tensors& host, DType dtype, DType storage, Device device) {
  Tensors out;
  for (const Tensor& h : host) {
    Tensor t = is_floating(h.dtype()) ? h.to(dtype).to(storage) : h;
    t = t.to(device);
    if (is_floating(t.dtype())) t.set_requires_grad(true);
    out.push_back(t);
  }
  return out;
}

class CudaKernels : public testing::TestWithParam<std::tuple<DType, size_t>> {
 protected:
  void SetUp() override {
    if (!cuda::available()) GTEST_SKIP() << "no CUDA device";
  }
};

std::vector<KernelCase> kernel_cases() {
  std::vector<KernelCase> c;
  auto one = [](Shape s, uint64_t seed) { return [=] { return Tensors{random(s, seed)}; }; };
  auto two = [](Shape a, Shape b) { return [=] { return Tensors{random(a, 1), random(b, 2)}; }; };

  c.push_back({"add_same_shape", two({64, 768}, {64, 768}), [](const Tensors& t) { return ops::add(t[0], t[1]); }});
  c.push_back({"add_tiled_bias", two({8, 128, 768}, {128, 768}), [](const Tensors& t) { return ops::add(t[0], t[1]); }});
  c.push_back({"add_general", two({8, 1, 96}, {8, 128, 1}), [](const Tensors& t) { return ops::add(t[0], t[1]); }});
  c.push_back({"mul_general", two({4, 33, 7}, {33, 1}), [](const Tensors& t) { return ops::mul(t[0], t[1]); }});
  c.push_back({"scale", one({100000}, 3), [](const Tensors& t) { return ops::scale(t[0], -0.37); }});
  c.push_back({"sum_rows_of_tall", one({4096, 96}, 4), [](const Tensors& t) { return ops::sum(t[0], 0); }});
  c.push_back({"sum_long_columns", one({70000, 3}, 39), [](const Tensors& t) { return ops::sum(t[0], 0); }});
  c.push_back({"sum_last_keepdim", one({300, 2000}, 5), [](const Tensors& t) { return ops::sum(t[0], 1, true); }});
  c.push_back({"sum_middle", one({8, 70, 16}, 6), [](const Tensors& t) { return ops::sum(t[0], 1); }});
  c.push_back({"mean_all", one({100000}, 7), [](const Tensors& t) { return ops::mean(t[0]); }});
  c.push_back({"concat_middle", [] { return Tensors{random({4, 3, 50}, 1), random({4, 5, 50}, 2), random({4, 1, 50}, 3)}; },
               [](const Tensors& t) { return ops::concat(t, 1); }});
  c.push_back({"contiguous_of_transpose", one({64, 48}, 8),
               [](const Tensors& t) { return ops::contiguous(ops::transpose(t[0], 0, 1)); }});
  c.push_back({"slice_step_gradient_window", one({16, 64}, 9),
               [](const Tensors& t) { return ops::scale(ops::slice(t[0], 1, 2, 50, 3), 2.0); }});
  c.push_back({"softmax_long_rows", [] { return Tensors{random({16, 5000}, 10, -8, 8)}; },
               [](const Tensors& t) { return ops::softmax(t[0]); }});
  c.push_back({"softmax_short_rows", [] { return Tensors{random({2, 3, 129}, 11, -4, 4)}; },
               [](const Tensors& t) { return ops::softmax(t[0]); }});
  // -inf entries get probability 0, and a row of only -inf entries gives zeros, not NaNs.
  c.push_back({"softmax_masked_entries",
               [] {
                 Vec mask(4 * 300, 0.0);
                 for (size_t i = 0; i < mask.size(); ++i)
                   if (i % 7 == 3 || (i >= 600 && i < 900)) mask[i] = -INFINITY;
                 return Tensors{random({4, 300}, 40, -4, 4), Tensor::from_vector(mask, {4, 300})};
               },
               [](const Tensors& t) { return ops::softmax(ops::add(t[0], t[1])); }});
  c.push_back({"layernorm_768", [] { return Tensors{random({256, 768}, 12, -2, 3), random({768}, 13, 0.5, 1.5), random({768}, 14)}; },
               [](const Tensors& t) { return ops::layernorm(t[0], t[1], t[2]); }});
  c.push_back({"rmsnorm_768", [] { return Tensors{random({256, 768}, 15, -2, 3), random({768}, 16, 0.5, 1.5)}; },
               [](const Tensors& t) { return ops::rmsnorm(t[0], t[1]); }});
  c.push_back({"add_layernorm_768",
               [] { return Tensors{random({4, 64, 768}, 17), random({4, 64, 768}, 18), random({768}, 19, 0.5, 1.5), random({768}, 20)}; },
               [](const Tensors& t) {
                 const ops::ResidualNorm r = ops::add_layernorm(t[0], t[1], t[2], t[3]);
                 return ops::concat({r.sum, r.normalized}, -1);
               }});
  c.push_back({"add_rmsnorm_768", [] { return Tensors{random({256, 768}, 21), random({256, 768}, 22), random({768}, 23, 0.5, 1.5)}; },
               [](const Tensors& t) {
                 const ops::ResidualNorm r = ops::add_rmsnorm(t[0], t[1], t[2]);
                 return ops::concat({r.sum, r.normalized}, -1);
               }});
  c.push_back({"embedding_repeated_i64", [] { return Tensors{random({1000, 64}, 24), random_indices({8, 512}, 1000, 25)}; },
               [](const Tensors& t) { return ops::embedding(t[0], t[1]); }});
  c.push_back({"embedding_hot_rows_i32", [] { return Tensors{random({50, 96}, 26), random_indices({4096}, 3, 27, DType::i32)}; },
               [](const Tensors& t) { return ops::embedding(t[0], t[1]); }});
  c.push_back({"cross_entropy_gpt2_vocab",
               [] {
                 Tensor targets = random_indices({8}, 50257, 28);
                 targets.data<int64_t>()[3] = -100;
                 return Tensors{random({8, 50257}, 29, -6, 6), targets};
               },
               [](const Tensors& t) { return ops::cross_entropy(t[0], t[1]); }});
  c.push_back({"cross_entropy_i32_batched", [] { return Tensors{random({4, 5, 17}, 30, -3, 3), random_indices({4, 5}, 17, 31, DType::i32)}; },
               [](const Tensors& t) { return ops::cross_entropy(t[0], t[1]); }});
  c.push_back({"mse_latitude_weight", [] { return Tensors{random({4, 32, 64}, 32), random({4, 32, 64}, 33), random({32, 1}, 34, 0.5, 1.5)}; },
               [](const Tensors& t) { return ops::mse(t[0], t[1], t[2]); }});
  c.push_back({"dropout", one({8, 1000}, 35), [](const Tensors& t) { return ops::dropout(t[0], 0.1, 42, 1000); }});
  c.push_back({"rope_strided_q",
               [] { return Tensors{random({2, 64, 12, 32}, 36), Tensor::arange(64)}; },
               [](const Tensors& t) { return ops::rope(ops::slice(t[0], 2, 4, 8), t[1]); }});
  c.push_back({"rope_per_batch_positions_i32",
               [] { return Tensors{random({2, 16, 4, 64}, 37), random_indices({2, 16}, 4096, 38, DType::i32)}; },
               [](const Tensors& t) { return ops::rope(t[0], t[1], 500.0); }});
  return c;
}

const std::vector<KernelCase>& cases() {
  static const std::vector<KernelCase> all = kernel_cases();
  return all;
}

// fp32: 1e-4 relative to the largest value; bf16: a few bf16 roundings (2^-8 each) of the inputs,
// outputs and gradients.
double tolerance(DType dtype) { return dtype == DType::bf16 ? 3e-2 : 1e-4; }

TEST_P(CudaKernels, MatchesCpu) {
  const DType dtype = std::get<0>(GetParam());
  const KernelCase& kc = cases()[std::get<1>(GetParam())];
  const Tensors host = kc.inputs();
  const Tensors cpu_in = place(host, dtype, DType::f32, Device::cpu());
  const Tensors gpu_in = place(host, dtype, dtype, Device::cuda());
  const Tensor cpu_out = kc.apply(cpu_in), gpu_out = kc.apply(gpu_in);
  ASSERT_EQ(gpu_out.device(), Device::cuda());
  ASSERT_EQ(gpu_out.dtype(), dtype);
  expect_close(gpu_out.to_doubles(), cpu_out.to_doubles(), tolerance(dtype), "forward");

  const Tensor w = random(cpu_out.shape(), 77).to(dtype);
  ops::sum(ops::mul(cpu_out, w.to(DType::f32))).backward();
  ops::sum(ops::mul(gpu_out, w.to(Device::cuda()))).backward();
  for (size_t i = 0; i < host.size(); ++i) {
    if (!cpu_in[i].requires_grad()) continue;
    ASSERT_TRUE(gpu_in[i].grad().defined()) << "no gradient for input " << i;
    ASSERT_EQ(gpu_in[i].grad().device(), Device::cuda()) << "gradient of input " << i;
    expect_close(gpu_in[i].grad().to_doubles(), cpu_in[i].grad().to_doubles(), tolerance(dtype),
                 "gradient of input " + std::to_string(i));
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, CudaKernels,
                         testing::Combine(testing::Values(DType::f32, DType::bf16), testing::Range<size_t>(0, cases().size())),
                         [](const testing::TestParamInfo<CudaKernels::ParamType>& info) {
                           return std::string(dtype_name(std::get<0>(info.param))) + "_" + cases()[std::get<1>(info.param)].name;
                         });

class CudaTensor : public testing::Test {
 protected:
  void SetUp() override {
    if (!cuda::available()) GTEST_SKIP() << "no CUDA device";
  }
};

TEST_F(CudaTensor, DtypeConversionsMatchTheHost) {
  const Tensor host = random({3, 41}, 50, 0.0, 200.0);  // non-negative: u8 is among the targets
  for (DType from : {DType::f32, DType::f64, DType::bf16, DType::i32, DType::i64, DType::u8}) {
    const Tensor src = host.to(from);
    const Tensor strided = ops::transpose(src.to(Device::cuda()), 0, 1);
    for (DType to : {DType::f32, DType::f64, DType::bf16, DType::i32, DType::i64, DType::u8}) {
      const Tensor want = ops::transpose(src, 0, 1).to(to);
      const Tensor got = strided.to(to);
      EXPECT_EQ(got.device(), Device::cuda());
      EXPECT_EQ(got.to_doubles(), want.to_doubles()) << dtype_name(from) << " -> " << dtype_name(to);
    }
  }
}

TEST_F(CudaTensor, FillZerosAndStridedCopiesAcrossDevices) {
  Tensor t = Tensor::full({5, 7}, -2.5, DType::bf16, Device::cuda());
  EXPECT_EQ(t.to_doubles(), Vec(35, -2.5));
  t.fill_(0.0);
  EXPECT_EQ(t.to_doubles(), Vec(35, 0.0));
  EXPECT_EQ(Tensor::zeros({4, 3}, DType::i64, Device::cuda()).to_doubles(), Vec(12, 0.0));

  const Tensor host = random({6, 8}, 51);
  // host view -> device view, and back, through copy_ with any strides on either side
  Tensor dev = Tensor::zeros({8, 6}, DType::f64, Device::cuda());
  dev.copy_(ops::transpose(host, 0, 1));
  EXPECT_EQ(dev.to_doubles(), ops::transpose(host, 0, 1).to_doubles());
  Tensor back = Tensor::zeros({3, 8}, DType::f64);
  back.copy_(ops::slice(ops::transpose(dev, 0, 1), 0, 1, 6, 2));
  EXPECT_EQ(back.to_doubles(), ops::slice(host, 0, 1, 6, 2).to_doubles());
}

TEST_F(CudaTensor, AddIntoStridedWindowAndGradientsStayOnTheDevice) {
  const Tensor host = random({4, 10}, 52);
  Tensor dev = host.to(Device::cuda());
  Tensor window = ops::slice(dev, 1, 1, 9, 2);
  window.add_(ops::slice(dev, 1, 0, 8, 2).contiguous_copy());
  Tensor want = host.contiguous_copy();
  ops::slice(want, 1, 1, 9, 2).add_(ops::slice(host, 1, 0, 8, 2).contiguous_copy());
  EXPECT_EQ(dev.to_doubles(), want.to_doubles());

  Tensor x = host.to(Device::cuda()).set_requires_grad(true);
  ops::sum(ops::slice(x, 1, 2, 10, 3)).backward();
  ops::sum(ops::slice(x, 1, 2, 10, 3)).backward();  // accumulates into the same window
  ASSERT_EQ(x.grad().device(), Device::cuda());
  Vec expected(40, 0.0);
  for (int64_t r = 0; r < 4; ++r)
    for (int64_t c = 2; c < 10; c += 3) expected[r * 10 + c] = 2.0;
  EXPECT_EQ(x.grad().to_doubles(), expected);
}

TEST_F(CudaTensor, DropoutMaskIsTheCpuMaskBitForBit) {
  const Tensor host = random({3, 4097}, 53).to(DType::f32);
  const Tensor cpu = ops::dropout(host, 0.25, 9, 123456789);
  const Tensor gpu = ops::dropout(host.to(Device::cuda()), 0.25, 9, 123456789);
  EXPECT_EQ(gpu.to_doubles(), cpu.to_doubles());
}

TEST_F(CudaTensor, EmbeddingGradientIsDeterministic) {
  const Tensor indices = random_indices({16384}, 7, 54).to(Device::cuda());
  auto gradient = [&] {
    Tensor w = random({7, 128}, 55).to(DType::f32).to(Device::cuda()).set_requires_grad(true);
    ops::sum(ops::mul(ops::embedding(w, indices), random({16384, 128}, 56).to(DType::f32).to(Device::cuda()))).backward();
    return w.grad().to_doubles();
  };
  EXPECT_EQ(gradient(), gradient());
}

TEST_F(CudaTensor, BadIndicesAreErrorsNotDeviceFaults) {
  const Tensor w = random({10, 4}, 57).to(DType::f32).to(Device::cuda());
  EXPECT_THROW(ops::embedding(w, Tensor::from_vector<int64_t>({1, 10}, {2}).to(Device::cuda())), ShapeError);
  const Tensor logits = random({2, 10}, 58).to(DType::f32).to(Device::cuda());
  EXPECT_THROW(ops::cross_entropy(logits, Tensor::from_vector<int64_t>({3, -1}, {2}).to(Device::cuda())), ShapeError);
}

}  // namespace
}  // namespace tessera
