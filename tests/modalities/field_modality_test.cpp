// The field modality: patch layout, latitude weights, token shapes, Fourier mixing, decoder start.
#include <gtest/gtest.h>

#include <cmath>

#include "core/autograd/autograd.h"
#include "core/nn/transformer.h"
#include "modalities/field/field_patch_embedding.h"
#include "modalities/field/fourier_mixing.h"
#include "modalities/field/latitude_weights.h"
#include "modalities/field/patch_decoder.h"
#include "modalities/field/patch_grid.h"

namespace tessera::field {
namespace {

Tensor ramp(const Shape& shape) {
  Tensor t = Tensor::empty(shape);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = static_cast<float>(i + 1);
  return t;
}

TEST(LatitudeWeights, CosineWithMeanOne) {
  const std::vector<double> w = latitude_weights({0, 60});  // cos: 1 and 0.5, mean 0.75
  ASSERT_EQ(w.size(), 2u);
  EXPECT_NEAR(w[0], 4.0 / 3.0, 1e-12);
  EXPECT_NEAR(w[1], 2.0 / 3.0, 1e-12);
  const std::vector<double> poles = latitude_weights({90, 45, -90});
  EXPECT_NEAR(poles[0], 0.0, 1e-12);
  EXPECT_NEAR(poles[1], 3.0, 1e-9);
}

TEST(PatchGrid, PadsToWholePatches) {
  const PatchGrid g{33, 49, 4};
  EXPECT_EQ(g.rows(), 9);
  EXPECT_EQ(g.cols(), 13);
  EXPECT_EQ(g.padded_lats(), 36);
  EXPECT_EQ(g.padded_lons(), 52);
}

TEST(PatchGrid, PatchifyPutsEachPixelInItsPatchAndPadsWithZeros) {
  const PatchGrid g{3, 5, 2};  // padded to 4 x 6: 2 x 3 patches
  const int64_t B = 2, C = 3;
  Tensor x = ramp({B, C, 3, 5});
  Tensor p = patchify(x, g);
  ASSERT_EQ(p.shape(), (Shape{C, B * 6, 4}));
  for (int64_t b = 0; b < B; ++b)
    for (int64_t c = 0; c < C; ++c)
      for (int64_t y = 0; y < 4; ++y)
        for (int64_t xx = 0; xx < 6; ++xx) {
          const int64_t patch = (y / 2) * 3 + xx / 2, pixel = (y % 2) * 2 + xx % 2;
          const float got = p.data<float>()[(c * B * 6 + b * 6 + patch) * 4 + pixel];
          const float want = y < 3 && xx < 5 ? x.data<float>()[((b * C + c) * 3 + y) * 5 + xx] : 0.0f;
          EXPECT_EQ(got, want) << b << c << y << xx;
        }
}

TEST(PatchGrid, UnpatchifyInvertsThePatchLayoutAndCrops) {
  const PatchGrid g{3, 5, 2};
  const int64_t B = 2, C = 3;
  Tensor x = ramp({B, C, 3, 5});
  // patchify's [C, B * L, p * p] rearranged to the decoder's [B, L, C * p * p]
  Tensor p = patchify(x, g);
  Tensor decoder_layout = ops::reshape(ops::contiguous(ops::transpose(ops::reshape(p, {C, B, 6, 4}), 0, 2)), {6, B, C * 4});
  decoder_layout = ops::contiguous(ops::transpose(decoder_layout, 0, 1));
  Tensor back = unpatchify(decoder_layout, g, C);
  ASSERT_EQ(back.shape(), x.shape());
  for (int64_t i = 0; i < x.numel(); ++i) EXPECT_EQ(back.data<float>()[i], x.data<float>()[i]);
}

FieldEmbeddingConfig small_embedding() {
  FieldEmbeddingConfig c;
  c.channels = 3;
  c.grid = {5, 7, 2};
  c.d_model = 16;
  c.n_head = 2;
  return c;
}

TEST(FieldPatchEmbedding, OneTokenPerPatch) {
  FieldPatchEmbedding e(small_embedding());
  Generator g(1);
  nn::init_gpt2(e, 1, g);
  nn::Tokens t = e.forward(ramp({2, 3, 5, 7}), Tensor::full({2}, 6.0), calendar_features({0.0, 13.0}));
  EXPECT_EQ(t.embeddings.shape(), (Shape{2, 12, 16}));
  for (double v : t.embeddings.to_doubles()) ASSERT_TRUE(std::isfinite(v));
}

TEST(FieldPatchEmbedding, LeadTimeChangesTheTokens) {
  FieldPatchEmbedding e(small_embedding());
  Generator g(2);
  nn::init_gpt2(e, 1, g);
  const Tensor x = ramp({1, 3, 5, 7});
  const std::vector<double> a = e.forward(x, Tensor::full({1}, 1.0), calendar_features({0.0})).embeddings.to_doubles();
  const std::vector<double> b = e.forward(x, Tensor::full({1}, 24.0), calendar_features({0.0})).embeddings.to_doubles();
  double diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff += std::abs(a[i] - b[i]);
  EXPECT_GT(diff, 1e-3);
}

TEST(CalendarFeatures, TimeOfDayCycles) {
  const std::vector<double> f = calendar_features({6.0, 30.0}).to_doubles();
  EXPECT_NEAR(f[0], 1.0, 1e-6);  // sin(2 pi 6 / 24)
  EXPECT_NEAR(f[1], 0.0, 1e-6);
  EXPECT_NEAR(f[4], f[0], 1e-6);  // a day later, the same time of day
}

TEST(FourierTokenMixing, MixesEveryTokenWithEveryOther) {
  FourierTokenMixing m({8, 2, 0.0});
  Generator g(3);
  nn::init_gpt2(m, 1, g);
  for (Tensor p : m.parameters())  // larger weights than GPT-2's, so the effect is clear
    for (int64_t i = 0; i < p.numel(); ++i) p.data<float>()[i] *= 20;
  const int64_t rows = 3, cols = 4;
  Tensor x = ramp({1, rows * cols, 8});
  Tensor moved = x.clone();
  moved.data<float>()[0] += 5;  // token 0 only
  const std::vector<double> a = m.forward(x, rows, cols).to_doubles(), b = m.forward(moved, rows, cols).to_doubles();
  ASSERT_EQ(a.size(), static_cast<size_t>(rows * cols * 8));
  const size_t last_token = static_cast<size_t>(rows * cols - 1) * 8;
  double diff = 0;
  for (size_t i = last_token; i < a.size(); ++i) diff += std::abs(a[i] - b[i]);
  EXPECT_GT(diff, 1e-4) << "the token farthest from the change did not see it";
}

TEST(FourierTokenMixing, ZeroWeightsGiveZero) {
  FourierTokenMixing m({8, 4, 0.01});
  const std::vector<double> y = m.forward(ramp({2, 6, 8}), 2, 3).to_doubles();
  for (double v : y) EXPECT_NEAR(v, 0.0, 1e-6);
}

TEST(FourierBlock, GradientsReachEveryParameter) {
  nn::TrunkConfig t;
  t.d_model = 8;
  t.n_head = 2;
  FourierBlock block({8, 2, 0.0}, t);
  Generator g(4);
  nn::init_gpt2(block, 1, g);
  ops::sum(ops::mul(block.forward(ramp({2, 6, 8}), 2, 3), ramp({2, 6, 8}))).backward();
  for (const auto& [name, p] : block.named_parameters()) {
    ASSERT_TRUE(p.grad().defined()) << name;
    double norm = 0;
    for (double v : p.grad().to_doubles()) norm += v * v;
    EXPECT_GT(norm, 0) << name;
  }
}

TEST(PatchDecoder, ZeroOutputLayerPredictsNoChange) {
  PatchDecoder d(16, 3, {5, 7, 2});
  Generator g(5);
  nn::init_gpt2(d, 1, g);
  d.zero_output_layer();
  Tensor y = d.forward(ramp({2, 12, 16}));
  EXPECT_EQ(y.shape(), (Shape{2, 3, 5, 7}));
  for (double v : y.to_doubles()) EXPECT_EQ(v, 0.0);
}

}  // namespace
}  // namespace tessera::field
