// LoRA adapters (core/nn/lora.h): an adapted layer starts out equal to its base, adds exactly
// (alpha / rank) B A x, passes gradients that match finite differences, and sits where the config
// says in the trunk.
#include <gtest/gtest.h>

#include <cmath>

#include "core/autograd/autograd.h"
#include "core/nn/lora.h"
#include "core/util/error.h"

namespace tessera {
namespace {

Tensor random_tensor(const Shape& shape, uint64_t seed, DType dtype = DType::f32) {
  Generator g(seed);
  std::vector<double> v(static_cast<size_t>(shape_numel(shape)));
  for (double& x : v) x = g.normal();
  return Tensor::from_vector(v, shape).to(dtype);
}

nn::LoraConfig config(int64_t rank, double alpha) {
  nn::LoraConfig c;
  c.rank = rank;
  c.alpha = alpha;
  return c;
}

// A Linear [out=5, in=4] with random weights and an adapter of rank 3 (alpha 6: scale 2).
struct AdaptedLinear {
  nn::Linear layer{4, 5};
  std::shared_ptr<nn::LoraAdapter> adapter = std::make_shared<nn::LoraAdapter>(4, 5, config(3, 6.0), nullptr);
  AdaptedLinear() {
    layer.weight.copy_(random_tensor({5, 4}, 1));
    layer.bias.copy_(random_tensor({5}, 2));
    Generator g(3);
    adapter->initialize(g);
  }
};

TEST(Lora, AdaptedLayerAtInitEqualsItsBase) {
  AdaptedLinear l;
  const Tensor x = random_tensor({2, 3, 4}, 4);
  const std::vector<double> base = l.layer.forward(x, ops::Activation::gelu_tanh).to_doubles();
  l.layer.set_adapter(l.adapter);
  EXPECT_EQ(l.layer.forward(x, ops::Activation::gelu_tanh).to_doubles(), base);
  for (double v : l.adapter->b.to_doubles()) EXPECT_EQ(v, 0.0);
  double largest = 0;  // A is drawn, not zero: B alone keeps the start equal
  for (double v : l.adapter->a.to_doubles()) largest = std::max(largest, std::abs(v));
  EXPECT_GT(largest, 0.0);
  EXPECT_LE(largest, 0.5);  // Kaiming-uniform bound 1 / sqrt(in)
}

TEST(Lora, AdaptedTrunkAtInitEqualsItsBase) {
  nn::TrunkConfig t;
  t.d_model = 96;  // wide enough that the GEMMs run their blocked paths
  t.n_layer = 2;
  t.n_head = 4;
  t.max_positions = 16;
  nn::Trunk trunk(t);
  Generator g(11);
  nn::init_gpt2(trunk, t.n_layer, g);
  trunk.set_training(false);
  nn::Tokens tokens;
  tokens.embeddings = random_tensor({2, 16, 96}, 12);
  const std::vector<double> base = trunk.forward(tokens).to_doubles();
  nn::attach_lora(trunk, config(8, 16.0), g);
  const std::vector<double> adapted = trunk.forward(tokens).to_doubles();
  ASSERT_EQ(adapted.size(), base.size());
  for (size_t i = 0; i < base.size(); ++i) ASSERT_NEAR(adapted[i], base[i], 1e-5) << i;
}

TEST(Lora, AddsScaledLowRankTermBeforeTheActivation) {
  AdaptedLinear l;
  l.adapter->b.copy_(random_tensor({5, 3}, 5));
  l.layer.set_adapter(l.adapter);
  const Tensor x = random_tensor({3, 4}, 6);
  const auto y = l.layer.forward(x, ops::Activation::silu).to_doubles();
  const auto xs = x.to_doubles(), w = l.layer.weight.to_doubles(), bias = l.layer.bias.to_doubles(),
             a = l.adapter->a.to_doubles(), b = l.adapter->b.to_doubles();
  for (int i = 0; i < 3; ++i)
    for (int o = 0; o < 5; ++o) {
      double pre = bias[o];
      for (int k = 0; k < 4; ++k) pre += w[o * 4 + k] * xs[i * 4 + k];
      for (int r = 0; r < 3; ++r) {
        double ax = 0;
        for (int k = 0; k < 4; ++k) ax += a[r * 4 + k] * xs[i * 4 + k];
        pre += 2.0 * b[o * 3 + r] * ax;
      }
      EXPECT_NEAR(y[i * 5 + o], pre / (1.0 + std::exp(-pre)), 1e-5) << i << "," << o;
    }
}

TEST(Lora, AdapterGradientsMatchFiniteDifferences) {
  AdaptedLinear l;
  // Double precision throughout, so central differences are exact to ~1e-9.
  l.layer.weight = random_tensor({5, 4}, 1, DType::f64);
  l.layer.bias = random_tensor({5}, 2, DType::f64);
  l.adapter->a = random_tensor({3, 4}, 7, DType::f64).set_requires_grad(true);
  l.adapter->b = random_tensor({5, 3}, 8, DType::f64).set_requires_grad(true);
  l.layer.set_adapter(l.adapter);
  const Tensor x = random_tensor({2, 4}, 9, DType::f64), weights = random_tensor({2, 5}, 10, DType::f64);
  auto loss = [&] { return ops::sum(ops::mul(l.layer.forward(x, ops::Activation::gelu_tanh), weights)); };
  loss().backward();
  for (Tensor* p : {&l.adapter->a, &l.adapter->b}) {
    const std::vector<double> analytic = p->grad().to_doubles();
    autograd::NoGradScope no_grad;
    for (int64_t i = 0; i < p->numel(); ++i) {
      double* v = p->data<double>() + i;
      const double saved = *v, h = 1e-6;
      *v = saved + h;
      const double up = loss().item();
      *v = saved - h;
      const double down = loss().item();
      *v = saved;
      EXPECT_NEAR(analytic[static_cast<size_t>(i)], (up - down) / (2 * h), 1e-7) << i;
    }
  }
}

TEST(Lora, AttachesToTheConfiguredLayersOfEveryBlock) {
  nn::TrunkConfig t;
  t.d_model = 8;
  t.n_layer = 2;
  t.n_head = 2;
  nn::Trunk trunk(t);
  nn::LoraConfig c = config(2, 4.0);
  c.targets = {"attn.qkv", "mlp.proj"};
  Generator g(1);
  nn::attach_lora(trunk, c, g);
  std::map<std::string, Shape> shapes;
  for (const auto& [name, p] : trunk.named_parameters()) shapes[name] = p.shape();
  EXPECT_EQ(shapes.at("blocks/1/attn/qkv/lora/a"), (Shape{2, 8}));
  EXPECT_EQ(shapes.at("blocks/1/attn/qkv/lora/b"), (Shape{24, 2}));
  EXPECT_EQ(shapes.at("blocks/0/mlp/proj/lora/a"), (Shape{2, 32}));
  EXPECT_EQ(shapes.count("blocks/0/attn/proj/lora/a"), 0u);
  EXPECT_EQ(shapes.count("blocks/0/mlp/fc/lora/a"), 0u);
}

TEST(Lora, RefusesBadSettingsNamingTheKey) {
  auto refused = [](nn::LoraConfig c, const std::string& key) {
    try {
      nn::check_lora_config(c, "finetune.lora.");
    } catch (const ConfigError& e) {
      return e.path() == "finetune.lora." + key;
    }
    return false;
  };
  EXPECT_TRUE(refused(config(0, 16), "rank"));
  EXPECT_TRUE(refused(config(-2, 16), "rank"));
  EXPECT_TRUE(refused(config(8, std::nan("")), "alpha"));
  EXPECT_TRUE(refused(config(8, 0), "alpha"));
  nn::LoraConfig c = config(8, 16);
  c.targets = {"attn.qkv", "attn.out"};
  EXPECT_TRUE(refused(c, "targets"));
  c.targets = {"mlp.fc", "mlp.fc"};
  EXPECT_TRUE(refused(c, "targets"));
  c.targets = {};
  EXPECT_TRUE(refused(c, "targets"));
}

}  // namespace
}  // namespace tessera
