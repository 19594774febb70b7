// Properties of the nn modules that a wrong implementation would break: names, initialization,
// causality, padding, relative positions, modality embedding, dropout.
#include <gtest/gtest.h>

#include <cmath>

#include "core/autograd/autograd.h"
#include "core/nn/transformer.h"
#include "core/util/error.h"
#include "domains/text/language_model.h"

namespace tessera {
namespace {

nn::TrunkConfig small_trunk() {
  nn::TrunkConfig c;
  c.d_model = 16;
  c.n_layer = 2;
  c.n_head = 4;
  c.max_positions = 32;
  return c;
}

Tensor random_tensor(const Shape& shape, uint64_t seed) {
  Generator g(seed);
  Tensor t = Tensor::empty(shape);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = static_cast<float>(g.normal());
  return t;
}

double max_abs_diff(const Tensor& a, const Tensor& b, int64_t begin = 0, int64_t end = -1) {
  const auto x = a.to_doubles(), y = b.to_doubles();
  double m = 0;
  for (size_t i = begin; i < (end < 0 ? x.size() : static_cast<size_t>(end)); ++i) m = std::max(m, std::abs(x[i] - y[i]));
  return m;
}

void init(nn::Module& m, uint64_t seed, int64_t n_layer = 2) {
  Generator g(seed);
  nn::init_gpt2(m, n_layer, g);
}

TEST(Nn, ParameterNamesAreModulePaths) {
  nn::Trunk trunk(small_trunk());
  std::vector<std::string> names;
  for (auto& [name, t] : trunk.named_parameters()) names.push_back(name);
  const std::vector<std::string> expected_prefix = {
      "position_embedding",      "blocks/0/ln1/weight",     "blocks/0/ln1/bias",      "blocks/0/attn/qkv/weight",
      "blocks/0/attn/qkv/bias",  "blocks/0/attn/proj/weight", "blocks/0/attn/proj/bias", "blocks/0/ln2/weight",
      "blocks/0/ln2/bias",       "blocks/0/mlp/fc/weight",  "blocks/0/mlp/fc/bias",    "blocks/0/mlp/proj/weight",
      "blocks/0/mlp/proj/bias"};
  ASSERT_GE(names.size(), expected_prefix.size());
  EXPECT_EQ(std::vector<std::string>(names.begin(), names.begin() + expected_prefix.size()), expected_prefix);
  EXPECT_EQ(names.back(), "ln_f/bias");
}

TEST(Nn, GptTinyHasTheReferenceParameterCount) {
  text::LanguageModelConfig c;
  c.vocab_size = 256;
  c.context = 128;
  c.trunk.d_model = 128;
  c.trunk.n_layer = 4;
  c.trunk.n_head = 4;
  EXPECT_EQ(text::LanguageModel(c).num_parameters(), 842496);  // torch_ref.py, config tiny
}

TEST(Nn, Gpt2InitializationStatistics) {
  nn::TrunkConfig c = small_trunk();
  c.d_model = 64;
  c.n_layer = 8;
  nn::Trunk trunk(c);
  init(trunk, 3, c.n_layer);
  auto stddev = [](const Tensor& t) {
    double s = 0, s2 = 0;
    for (double v : t.to_doubles()) {
      s += v;
      s2 += v * v;
    }
    const double n = static_cast<double>(t.numel());
    return std::sqrt(s2 / n - (s / n) * (s / n));
  };
  EXPECT_NEAR(stddev(trunk.blocks[0]->mlp.fc.weight), 0.02, 0.002);
  EXPECT_NEAR(stddev(trunk.blocks[0]->mlp.proj.weight), 0.02 / std::sqrt(16.0), 0.0005);
  EXPECT_NEAR(stddev(trunk.blocks[3]->attn.proj.weight), 0.02 / std::sqrt(16.0), 0.0005);
  for (double v : trunk.blocks[0]->attn.qkv.bias.to_doubles()) EXPECT_EQ(v, 0.0);
  for (double v : trunk.blocks[0]->ln1.weight.to_doubles()) EXPECT_EQ(v, 1.0);

  nn::Trunk same(c), other(c);
  init(same, 3, c.n_layer);
  init(other, 4, c.n_layer);
  EXPECT_EQ(max_abs_diff(trunk.blocks[2]->mlp.fc.weight, same.blocks[2]->mlp.fc.weight), 0.0);
  EXPECT_GT(max_abs_diff(trunk.blocks[2]->mlp.fc.weight, other.blocks[2]->mlp.fc.weight), 0.0);
}

TEST(Nn, LanguageModelDoesNotLookAhead) {
  text::LanguageModelConfig c;
  c.vocab_size = 50;
  c.context = 12;
  c.trunk = small_trunk();
  text::LanguageModel lm(c);
  init(lm, 1);
  autograd::NoGradScope no_grad;
  Tensor a = Tensor::from_vector<int64_t>({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, {1, 10});
  Tensor b = Tensor::from_vector<int64_t>({1, 2, 3, 4, 5, 6, 40, 41, 42, 43}, {1, 10});
  Tensor la = lm.logits(a), lb = lm.logits(b);
  const int64_t V = c.vocab_size;
  EXPECT_LT(max_abs_diff(la, lb, 0, 6 * V), 1e-6) << "positions before the change must not see it";
  EXPECT_GT(max_abs_diff(la, lb, 6 * V, 10 * V), 1e-4) << "positions from the change on must see it";
}

TEST(Nn, KeyPaddingHidesPaddedTokens) {
  nn::Trunk trunk(small_trunk());
  init(trunk, 2);
  autograd::NoGradScope no_grad;
  nn::Tokens t;
  t.embeddings = random_tensor({2, 6, 16}, 5);
  t.key_padding_mask = Tensor::from_vector<uint8_t>({0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1}, {2, 6});
  Tensor h1 = trunk.forward(t);
  // Change only the padded tokens' embeddings.
  Tensor changed = t.embeddings.clone();
  float* e = changed.data<float>();
  for (int64_t i = 0; i < 16; ++i) {
    e[(0 * 6 + 4) * 16 + i] += 3.0f;
    e[(0 * 6 + 5) * 16 + i] -= 2.0f;
    e[(1 * 6 + 5) * 16 + i] += 1.0f;
  }
  t.embeddings = changed;
  Tensor h2 = trunk.forward(t);
  EXPECT_LT(max_abs_diff(h1, h2, 0, 4 * 16), 1e-6);
  EXPECT_LT(max_abs_diff(h1, h2, 6 * 16, 11 * 16), 1e-6);
}

TEST(Nn, RopeTrunkDependsOnlyOnRelativePositions) {
  nn::TrunkConfig c = small_trunk();
  c.position = nn::PositionKind::rope;
  nn::Trunk trunk(c);
  init(trunk, 6);
  // GPT-2 scale weights make attention almost uniform; sharpen it so positions matter.
  for (auto& block : trunk.blocks) block->attn.qkv.weight.copy_(random_tensor({48, 16}, 60));
  autograd::NoGradScope no_grad;
  nn::Tokens t;
  t.embeddings = random_tensor({1, 5, 16}, 7);
  t.causal = true;
  t.positions = Tensor::from_vector<int64_t>({0, 1, 2, 3, 4}, {5});
  Tensor h0 = trunk.forward(t);
  t.positions = Tensor::from_vector<int64_t>({7, 8, 9, 10, 11}, {5});
  Tensor shifted = trunk.forward(t);
  t.positions = Tensor::from_vector<int64_t>({0, 2, 4, 6, 8}, {5});
  Tensor stretched = trunk.forward(t);
  EXPECT_LT(max_abs_diff(h0, shifted), 1e-4);
  EXPECT_GT(max_abs_diff(h0, stretched), 1e-3);
}

TEST(Nn, ModalityEmbeddingSelectsARowAndLearnsIt) {
  nn::TrunkConfig c = small_trunk();
  c.n_modalities = 3;
  nn::Trunk trunk(c);
  init(trunk, 8);
  nn::Tokens t;
  t.embeddings = random_tensor({1, 4, 16}, 9);
  t.modality = 1;
  Tensor loss = ops::sum(trunk.forward(t));
  loss.backward();
  const auto g = trunk.modality_embedding.grad().to_doubles();
  double row0 = 0, row1 = 0, row2 = 0;
  for (int i = 0; i < 16; ++i) {
    row0 += std::abs(g[i]);
    row1 += std::abs(g[16 + i]);
    row2 += std::abs(g[32 + i]);
  }
  EXPECT_EQ(row0, 0.0);
  EXPECT_GT(row1, 0.0);
  EXPECT_EQ(row2, 0.0);
}

TEST(Nn, AttentionBiasFromTokensGetsAGradient) {
  nn::Trunk trunk(small_trunk());
  init(trunk, 10);
  nn::Tokens t;
  t.embeddings = random_tensor({1, 3, 16}, 11);
  t.attn_bias = random_tensor({1, 4, 3, 3}, 12).set_requires_grad(true);
  ops::sum(trunk.forward(t)).backward();
  ASSERT_TRUE(t.attn_bias.grad().defined());
  double total = 0;
  for (double v : t.attn_bias.grad().to_doubles()) total += std::abs(v);
  EXPECT_GT(total, 0.0);
}

// Two models on one trunk (multi-domain training): the layers are the owner's, each trunk keeps its
// own positions, and the gradients of both models meet in the one copy of the layers.
struct TwoTrunks : nn::Module {
  TwoTrunks(const nn::TrunkConfig& shared, const nn::TrunkConfig& a_config, const nn::TrunkConfig& b_config)
      : owner(shared), a(a_config), b(b_config) {
    a.share_layers(owner);
    b.share_layers(owner);
    register_module("trunk", owner);
    register_module("a", a);
    register_module("b", b);
  }
  nn::Trunk owner, a, b;
};

TEST(Nn, SharedLayersAreListedOnceUnderTheOwnersName) {
  nn::TrunkConfig learned = small_trunk();
  nn::TrunkConfig none = small_trunk();
  none.position = nn::PositionKind::none;
  TwoTrunks m(none, learned, none);
  const nn::NamedTensors params = m.named_parameters();
  int64_t shared = 0, own = 0;
  for (const auto& [name, t] : params) {
    if (name.rfind("trunk/", 0) == 0) ++shared;
    if (name.rfind("a/", 0) == 0 || name.rfind("b/", 0) == 0) ++own;
  }
  EXPECT_EQ(shared, static_cast<int64_t>(nn::Trunk(none).named_parameters().size()));
  ASSERT_EQ(own, 1) << "only the learned position table of `a` is its own";
  EXPECT_EQ(params.back().first, "a/position_embedding");
  EXPECT_EQ(m.a.blocks[1]->mlp.fc.weight.impl(), m.owner.blocks[1]->mlp.fc.weight.impl());
  EXPECT_EQ(m.b.ln_f->weight.impl(), m.owner.ln_f->weight.impl());
}

TEST(Nn, SharedLayersCollectTheGradientsOfEveryModel) {
  nn::TrunkConfig rope = small_trunk();
  rope.position = nn::PositionKind::rope;
  nn::TrunkConfig none = small_trunk();
  none.position = nn::PositionKind::none;
  TwoTrunks m(none, rope, none);
  init(m, 21);
  // Sharpened attention and a weighted sum (the final norm makes a plain sum constant), so the
  // positions and the inputs show in the gradients.
  for (auto& block : m.owner.blocks) block->attn.qkv.weight.copy_(random_tensor({48, 16}, 61));
  const Tensor weights = random_tensor({1, 4, 16}, 23);
  nn::Tokens t;
  t.embeddings = random_tensor({1, 4, 16}, 22);
  auto loss = [&](const nn::Trunk& trunk) { return ops::sum(ops::mul(trunk.forward(t), weights)); };
  loss(m.a).backward();
  const Tensor after_a = m.owner.blocks[0]->attn.qkv.weight.grad().contiguous_copy();
  loss(m.b).backward();
  const Tensor after_both = m.owner.blocks[0]->attn.qkv.weight.grad();
  m.zero_grad();
  loss(m.b).backward();
  const Tensor b_alone = m.owner.blocks[0]->attn.qkv.weight.grad();
  EXPECT_LT(max_abs_diff(ops::add(after_a, b_alone), after_both), 1e-6);
  EXPECT_GT(max_abs_diff(after_a, b_alone), 1e-6) << "rotary positions are the trunk's own, not the layers'";
}

TEST(Nn, SharingLayersOfAnotherShapeIsAConfigError) {
  nn::TrunkConfig wide = small_trunk();
  wide.d_model = 32;
  nn::Trunk owner(small_trunk()), other(wide);
  try {
    other.share_layers(owner);
    FAIL() << "shared a trunk of another width";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("d_model 16, this model 32"), std::string::npos) << e.what();
  }
}

TEST(Nn, DropoutOnlyInTrainingAndReproducible) {
  nn::TrunkConfig c = small_trunk();
  c.dropout = 0.3;
  nn::Trunk a(c), b(c);
  init(a, 13);
  init(b, 13);
  autograd::NoGradScope no_grad;
  nn::Tokens t;
  t.embeddings = random_tensor({1, 4, 16}, 14);
  a.set_training(false);
  EXPECT_EQ(max_abs_diff(a.forward(t), a.forward(t)), 0.0) << "evaluation mode is deterministic";
  a.set_training(true);
  b.set_training(true);
  Tensor first = a.forward(t);
  EXPECT_GT(max_abs_diff(first, a.forward(t)), 1e-3) << "each training pass draws a new mask";
  EXPECT_EQ(max_abs_diff(first, b.forward(t)), 0.0) << "same generator state, same masks";
}

}  // namespace
}  // namespace tessera
