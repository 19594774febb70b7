// Parity of the fused CUDA attention (ops::attention on CUDA tensors) with the CPU op, forward and
// backward, over the variants the kernels branch on: causal with Tq == Tk and Tq < Tk, key padding
// (including a batch whose keys are all masked), additive bias with batch 1 and batch B, q/k/v as
// strided views of one fused QKV tensor, sequences spanning several tiles, and head dims that are
// and are not a tile width. In bf16, head dims 64 and 128 reach the tensor-core kernels and the
// others the CUDA-core ones.
//
// The reference is the CPU op in f64 on the same input values. Tolerance: |cuda - ref| <=
// tol * (|ref| + max |ref|) per tensor, tol 1e-4 for f32; for bf16 the inputs are rounded to bf16
// first (both sides see the same values) and tol is 2e-2, which covers rounding the outputs and
// the saved forward output (used in D = rowsum(dO * O)) to bf16 with 8 significant bits.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/cuda/runtime.h"
#include "core/ops/ops.h"
#include "core/tensor/tensor.h"
#include "core/util/error.h"
#include "core/util/rng.h"

namespace tessera {
namespace {

struct Case {
  std::string name;
  int64_t B, Tq, Tk, H, Dh;
  bool causal = false;
  bool padding = false;    // random key padding, and every key of the last batch masked
  int64_t bias_batch = 0;  // 0: no bias; 1 or B
  bool fused_qkv = false;  // q, k, v are views of one [B, T, 3, H, Dh] tensor (needs Tq == Tk)
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

std::vector<Case> cases() {
  return {
      {"plain", 2, 37, 37, 3, 64},
      {"causal", 2, 70, 70, 2, 64, true},
      {"causal_fewer_queries", 2, 19, 45, 2, 32, true},
      {"padding", 2, 33, 50, 2, 64, false, true},
      {"bias_batch1", 3, 20, 29, 2, 32, false, false, 1},
      {"bias_batchB_causal_padding", 2, 40, 40, 2, 128, true, true, 2},
      {"fused_qkv_causal", 2, 65, 65, 3, 64, true, false, 0, true},
      {"head_dim_48_bias", 2, 24, 31, 2, 48, false, true, 1},
      {"causal_more_queries", 2, 45, 19, 2, 64, true},  // the first 26 queries see no key
      {"several_tiles_bias_batch1", 1, 150, 150, 2, 128, true, false, 1},
  };
}

struct Inputs {
  Tensor q, k, v, bias, mask, grad_out;  // host f64 (mask u8)
};

Tensor random_f64(const Shape& shape, Generator& g, double scale) {
  Tensor t = Tensor::empty(shape, DType::f64);
  double* p = t.data<double>();
  for (int64_t i = 0; i < t.numel(); ++i) p[i] = scale * g.normal();
  return t;
}

// Values exactly representable in `dtype`, so both sides of the comparison see the same inputs.
Tensor representable(const Tensor& t, DType dtype) { return t.to(dtype).to(DType::f64); }

Inputs make_inputs(const Case& c, DType dtype) {
  Generator g(1234);
  Inputs in;
  in.q = representable(random_f64({c.B, c.Tq, c.H, c.Dh}, g, 1.0), dtype);
  in.k = representable(random_f64({c.B, c.Tk, c.H, c.Dh}, g, 1.0), dtype);
  in.v = representable(random_f64({c.B, c.Tk, c.H, c.Dh}, g, 1.0), dtype);
  in.grad_out = representable(random_f64({c.B, c.Tq, c.H, c.Dh}, g, 1.0), dtype);
  if (c.bias_batch) in.bias = representable(random_f64({c.bias_batch, c.H, c.Tq, c.Tk}, g, 0.5), dtype);
  if (c.padding) {
    in.mask = Tensor::zeros({c.B, c.Tk}, DType::u8);
    uint8_t* m = in.mask.data<uint8_t>();
    for (int64_t b = 0; b < c.B; ++b)
      for (int64_t j = 0; j < c.Tk; ++j) m[b * c.Tk + j] = b == c.B - 1 || g.uniform() < 0.3;
  }
  return in;
}

struct Result {
  std::vector<double> out, dq, dk, dv, dbias;
};

Result run_cpu(const Case& c, const Inputs& in) {
  Tensor q = in.q.clone().set_requires_grad(true), k = in.k.clone().set_requires_grad(true),
         v = in.v.clone().set_requires_grad(true);
  ops::AttentionOptions o;
  o.causal = c.causal;
  o.key_padding_mask = in.mask;
  if (in.bias.defined()) o.bias = in.bias.clone().set_requires_grad(true);
  Tensor out = ops::attention(q, k, v, o);
  out.backward(in.grad_out);
  return {out.to_doubles(), q.grad().to_doubles(), k.grad().to_doubles(), v.grad().to_doubles(),
          in.bias.defined() ? o.bias.grad().to_doubles() : std::vector<double>()};
}

Result run_cuda(const Case& c, const Inputs& in, DType dtype) {
  const Device dev = Device::cuda();
  Tensor q, k, v;
  if (c.fused_qkv) {
    // [B, T, 3, H, Dh] on the device; q, k, v are its three strided slices.
    const Shape one{c.B, c.Tq, 1, c.H, c.Dh};
    Tensor qkv = ops::concat({ops::reshape(in.q, one), ops::reshape(in.k, one), ops::reshape(in.v, one)}, 2)
                     .to(dtype)
                     .to(dev);
    const Shape shape{c.B, c.Tq, c.H, c.Dh}, strides{c.Tq * 3 * c.H * c.Dh, 3 * c.H * c.Dh, c.Dh, 1};
    q = qkv.as_strided(shape, strides, 0);
    k = qkv.as_strided(shape, strides, c.H * c.Dh);
    v = qkv.as_strided(shape, strides, 2 * c.H * c.Dh);
  } else {
    q = in.q.to(dtype).to(dev);
    k = in.k.to(dtype).to(dev);
    v = in.v.to(dtype).to(dev);
  }
  for (Tensor* t : {&q, &k, &v}) t->set_requires_grad(true);
  ops::AttentionOptions o;
  o.causal = c.causal;
  if (in.mask.defined()) o.key_padding_mask = in.mask.to(dev);
  if (in.bias.defined()) o.bias = in.bias.to(dtype).to(dev).set_requires_grad(true);
  Tensor out = ops::attention(q, k, v, o);
  EXPECT_EQ(out.device(), dev);
  out.backward(in.grad_out.to(dtype).to(dev));
  return {out.to_doubles(), q.grad().to_doubles(), k.grad().to_doubles(), v.grad().to_doubles(),
          in.bias.defined() ? o.bias.grad().to_doubles() : std::vector<double>()};
}

void expect_close(const std::vector<double>& got, const std::vector<double>& want, double tol, const char* what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  double peak = 0;
  for (double w : want) peak = std::max(peak, std::abs(w));
  size_t worst = 0;
  double worst_ratio = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    const double ratio = std::abs(got[i] - want[i]) / (std::abs(want[i]) + peak + 1e-30);
    if (!(ratio <= worst_ratio)) {  // also catches NaN
      worst_ratio = ratio;
      worst = i;
      if (std::isnan(ratio)) break;
    }
  }
  EXPECT_LE(worst_ratio, tol) << what << ": element " << worst << " is " << got[worst] << ", expected " << want[worst]
                              << " (max |expected| " << peak << ")";
}

class FlashAttention : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    if (!cuda::available()) GTEST_SKIP() << "no CUDA device";
  }

  void check(DType dtype, double tol) {
    const Case& c = GetParam();
    const Inputs in = make_inputs(c, dtype);
    const Result want = run_cpu(c, in), got = run_cuda(c, in, dtype);
    expect_close(got.out, want.out, tol, "output");
    expect_close(got.dq, want.dq, tol, "grad q");
    expect_close(got.dk, want.dk, tol, "grad k");
    expect_close(got.dv, want.dv, tol, "grad v");
    expect_close(got.dbias, want.dbias, tol, "grad bias");
  }
};

TEST_P(FlashAttention, MatchesCpuInF32) { check(DType::f32, 1e-4); }

TEST_P(FlashAttention, MatchesCpuInBf16) { check(DType::bf16, 2e-2); }

INSTANTIATE_TEST_SUITE_P(Variants, FlashAttention, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(FlashAttentionErrors, RejectsUnsupportedHeadDim) {
  if (!cuda::available()) GTEST_SKIP() << "no CUDA device";
  const Tensor x = Tensor::zeros({1, 4, 1, 160}, DType::f32).to(Device::cuda());
  EXPECT_THROW(ops::attention(x, x, x), ShapeError);
}

}  // namespace
}  // namespace tessera
