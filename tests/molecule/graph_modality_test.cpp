// The graph modality on molecules small enough to work out by hand: shortest-path distances and
// the bond types along the path, the batch layout (virtual token, padding), and a bias that is
// differentiable and per head; conformer distances as Gaussian kernels and their learned per-head mix.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/autograd/autograd.h"
#include "core/util/rng.h"
#include "modalities/graph/graph_embedding.h"

namespace tessera::graph {
namespace {

// C1-C2=C3-O4 as 0-1=2-3, plus a lone atom 4 (a second fragment).
MolecularGraph chain_with_fragment() {
  MolecularGraph g;
  for (int z : {6, 6, 6, 8, 11}) g.atoms.push_back({z, 1, 2, 0, 3, 0, 0});
  g.bonds = {{0, 1, kSingle}, {1, 2, kDouble}, {2, 3, kSingle}};
  return g;
}

TEST(GraphPaths, DistancesAndBondSharesOnAChain) {
  const GraphPaths p = shortest_paths(chain_with_fragment());
  EXPECT_EQ(p.at(0, 0), 0);
  EXPECT_EQ(p.at(0, 1), 1);
  EXPECT_EQ(p.at(0, 3), 3);
  EXPECT_EQ(p.at(3, 1), 2);
  EXPECT_EQ(p.at(0, 4), kUnreachable);
  // 0 -> 3 crosses single, double, single.
  EXPECT_FLOAT_EQ(p.fraction(0, 3, kSingle), 2.0f / 3.0f);
  EXPECT_FLOAT_EQ(p.fraction(0, 3, kDouble), 1.0f / 3.0f);
  EXPECT_FLOAT_EQ(p.fraction(1, 2, kDouble), 1.0f);
  EXPECT_FLOAT_EQ(p.fraction(2, 2, kSingle), 0.0f);
}

TEST(GraphPaths, BenzeneRingDistancesWrapAround) {
  MolecularGraph g;
  for (int i = 0; i < 6; ++i) g.atoms.push_back({6, 2, 2, 1, 2, 1, 1});
  for (int i = 0; i < 6; ++i) g.bonds.push_back({i, (i + 1) % 6, kAromaticBond});
  const GraphPaths p = shortest_paths(g);
  EXPECT_EQ(p.at(0, 3), 3);
  EXPECT_EQ(p.at(0, 5), 1);
  EXPECT_EQ(p.at(1, 5), 2);
  EXPECT_FLOAT_EQ(p.fraction(0, 3, kAromaticBond), 1.0f);
}

TEST(GraphBatch, VirtualTokenPaddingAndBuckets) {
  const PreparedGraph big = prepare_graph(chain_with_fragment());
  MolecularGraph one;
  one.atoms.push_back({6, 0, 2, 0, 3, 4, 0});
  const PreparedGraph small = prepare_graph(one);
  DistanceBuckets buckets;
  buckets.max_distance = 2;
  const GraphBatch b = make_graph_batch({&big, &small}, buckets);
  ASSERT_EQ(b.distance.shape(), Shape({2, 6, 6}));
  const int64_t* d = b.distance.data<int64_t>();
  EXPECT_EQ(d[0 * 6 + 1], buckets.virtual_token());        // virtual -> atom
  EXPECT_EQ(d[1 * 6 + 4], 2);                              // atoms 0 -> 3: distance 3 clipped to 2
  EXPECT_EQ(d[1 * 6 + 5], buckets.unreachable());          // the other fragment
  EXPECT_EQ(d[36 + 2 * 6 + 3], buckets.padding());         // second molecule: padding pairs
  const uint8_t* pad = b.padding.data<uint8_t>();
  EXPECT_EQ(pad[0], 0);
  EXPECT_EQ(pad[5], 0);
  EXPECT_EQ(pad[6 + 1], 0);
  EXPECT_EQ(pad[6 + 2], 1);
  EXPECT_FLOAT_EQ(b.atom_weights.data<float>()[6 + 1], 1.0f);
  EXPECT_FLOAT_EQ(b.atom_weights.data<float>()[0], 0.0f);
}

TEST(GraphEmbedding, BiasIsPerHeadFromTheTablesAndDifferentiable) {
  const PreparedGraph g = prepare_graph(chain_with_fragment());
  GraphEmbeddingConfig config;
  config.d_model = 8;
  config.n_head = 2;
  config.buckets.max_distance = 4;
  GraphEmbedding embedding(config);
  {
    autograd::NoGradScope no_grad;
    float* w = embedding.distance_bias.weight.data<float>();
    for (int64_t i = 0; i < embedding.distance_bias.weight.numel(); ++i) w[i] = static_cast<float>(i);  // bucket k, head h: 2k + h
    float* bond = embedding.bond_bias.weight.data<float>();  // [H, kBondTypes]
    for (int64_t i = 0; i < embedding.bond_bias.weight.numel(); ++i) bond[i] = 0.0f;
    bond[0 * kBondTypes + kDouble] = 3.0f;  // head 0 only
  }
  const GraphBatch batch = make_graph_batch({&g}, config.buckets);
  const Tensor bias = embedding.attention_bias(batch);
  ASSERT_EQ(bias.shape(), Shape({1, 2, 6, 6}));
  const float* v = bias.data<float>();
  auto at = [&](int h, int i, int j) { return v[(h * 6 + i) * 6 + j]; };
  // Atoms 0 and 3 (tokens 1 and 4): distance 3, one third of the path a double bond.
  EXPECT_FLOAT_EQ(at(0, 1, 4), 6.0f + 1.0f);
  EXPECT_FLOAT_EQ(at(1, 1, 4), 7.0f);
  EXPECT_FLOAT_EQ(at(1, 0, 3), static_cast<float>(2 * config.buckets.virtual_token() + 1));
  const nn::Tokens tokens = embedding.forward(batch);
  ops::sum(ops::mul(tokens.attn_bias, tokens.attn_bias)).backward();
  EXPECT_TRUE(embedding.distance_bias.weight.grad().defined());
  EXPECT_TRUE(embedding.bond_bias.weight.grad().defined());
}

TEST(ConformerKernels, GaussiansOnAnEvenGridAndZerosWithoutADistance) {
  ConformerKernels k;
  k.count = 4;
  k.first = 1.0f;
  k.last = 4.0f;
  EXPECT_FLOAT_EQ(k.width(), 1.0f);
  EXPECT_FLOAT_EQ(k.mean(2), 3.0f);
  float v[4];
  k.features(2.5f, v);
  for (int i = 0; i < 4; ++i) {
    const float z = 2.5f - static_cast<float>(i + 1);
    EXPECT_NEAR(v[i], std::exp(-0.5 * z * z), 1e-6) << i;
  }
  k.features(3.0f, v);
  EXPECT_FLOAT_EQ(v[2], 1.0f);
  EXPECT_NEAR(v[1], std::exp(-0.5), 1e-6);
  k.features(std::numeric_limits<float>::quiet_NaN(), v);
  for (float x : v) EXPECT_EQ(x, 0.0f);
}

// chain_with_fragment() with distances 1 + i + j between atoms i and j, and none for atom 4's pairs.
PreparedGraph chain_with_distances() {
  MolecularGraph g = chain_with_fragment();
  const int n = static_cast<int>(g.num_atoms());
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      g.distances.push_back(i == 4 || j == 4 ? std::numeric_limits<float>::quiet_NaN() : static_cast<float>(1 + i + j));
  return prepare_graph(std::move(g));
}

ConformerKernels three_kernels() {
  ConformerKernels k;
  k.count = 3;
  k.first = 1.0f;
  k.last = 5.0f;
  return k;
}

TEST(GraphBatch, ConformerKernelsOnlyOnAtomPairsWithADistance) {
  const PreparedGraph with = chain_with_distances();
  const PreparedGraph without = prepare_graph(chain_with_fragment());
  const ConformerKernels k = three_kernels();
  const GraphBatch b = make_graph_batch({&with, &without}, DistanceBuckets{}, k);
  ASSERT_EQ(b.conformer.shape(), Shape({2, 6, 6, 3}));
  const float* c = b.conformer.data<float>();
  auto at = [&](int mol, int i, int j, int kernel) { return c[((mol * 6 + i) * 6 + j) * 3 + kernel]; };
  float expected[3];
  k.features(1.0f + 0.0f + 3.0f, expected);  // atoms 0 and 3 are tokens 1 and 4
  for (int kernel = 0; kernel < 3; ++kernel) {
    EXPECT_FLOAT_EQ(at(0, 1, 4, kernel), expected[kernel]);
    EXPECT_FLOAT_EQ(at(0, 4, 1, kernel), expected[kernel]);
    EXPECT_EQ(at(0, 0, 2, kernel), 0.0f);  // virtual token
    EXPECT_EQ(at(0, 2, 0, kernel), 0.0f);
    EXPECT_EQ(at(0, 1, 5, kernel), 0.0f);  // atom 4 has no distances
    EXPECT_EQ(at(1, 1, 4, kernel), 0.0f);  // the molecule without a conformer
  }
  EXPECT_FALSE(make_graph_batch({&with}, DistanceBuckets{}).conformer.defined());
}

GraphEmbeddingConfig conformer_config() {
  GraphEmbeddingConfig config;
  config.d_model = 8;
  config.n_head = 2;
  config.conformer = three_kernels();
  return config;
}

TEST(GraphEmbedding, ConformerBiasIsAPerHeadMixOfTheKernels) {
  const PreparedGraph g = chain_with_distances();
  const GraphEmbeddingConfig config = conformer_config();
  GraphEmbedding with(config), without([] {
    GraphEmbeddingConfig c = conformer_config();
    c.conformer.count = 0;
    return c;
  }());
  ASSERT_TRUE(with.conformer_bias);
  EXPECT_FALSE(without.conformer_bias);
  EXPECT_EQ(with.num_parameters(), without.num_parameters() + 3 * 2);
  {
    autograd::NoGradScope no_grad;
    for (GraphEmbedding* e : {&with, &without}) {
      e->distance_bias.weight.fill_(0.0);
      e->bond_bias.weight.fill_(0.0);
    }
    float* w = with.conformer_bias->weight.data<float>();  // [H, K]
    const float mix[6] = {1.0f, 2.0f, 3.0f, -1.0f, 0.5f, 0.0f};
    std::copy(mix, mix + 6, w);
  }
  const GraphBatch batch = make_graph_batch({&g}, config.buckets, config.conformer);
  const Tensor bias = with.attention_bias(batch);
  const float* v = bias.data<float>();
  auto at = [&](int h, int i, int j) { return v[(h * 6 + i) * 6 + j]; };
  float kernels[3];
  config.conformer.features(4.0f, kernels);  // atoms 0 and 3
  EXPECT_NEAR(at(0, 1, 4), kernels[0] + 2 * kernels[1] + 3 * kernels[2], 1e-6);
  EXPECT_NEAR(at(1, 1, 4), -kernels[0] + 0.5f * kernels[1], 1e-6);
  EXPECT_EQ(at(0, 0, 3), 0.0f);  // virtual token: no 3D term
  EXPECT_EQ(at(1, 1, 5), 0.0f);  // no distance: no 3D term
  EXPECT_THROW(with.attention_bias(make_graph_batch({&g}, config.buckets)), std::invalid_argument);
  const Tensor plain = without.attention_bias(batch);
  for (int64_t i = 0; i < plain.numel(); ++i) EXPECT_EQ(plain.data<float>()[i], 0.0f);
}

TEST(GraphEmbedding, ConformerBiasGradientsMatchFiniteDifferences) {
  const PreparedGraph g = chain_with_distances();
  const GraphEmbeddingConfig config = conformer_config();
  GraphEmbedding embedding(config);
  Generator rng(3);
  {
    autograd::NoGradScope no_grad;
    float* w = embedding.conformer_bias->weight.data<float>();
    for (int64_t i = 0; i < embedding.conformer_bias->weight.numel(); ++i) w[i] = static_cast<float>(rng.uniform() - 0.5);
  }
  const GraphBatch batch = make_graph_batch({&g}, config.buckets, config.conformer);
  // A loss that is not linear in the weights, so that the check sees the chain rule through the mix.
  auto loss = [&] {
    const Tensor b = embedding.attention_bias(batch);
    return ops::sum(ops::mul(b, b));
  };
  loss().backward();
  Tensor& w = embedding.conformer_bias->weight;
  const std::vector<double> analytic = w.grad().to_doubles();
  autograd::NoGradScope no_grad;
  for (int64_t i = 0; i < w.numel(); ++i) {
    float* v = w.data<float>() + i;
    const float saved = *v, h = 1e-2f;
    *v = saved + h;
    const double up = loss().item();
    *v = saved - h;
    const double down = loss().item();
    *v = saved;
    EXPECT_NEAR(analytic[static_cast<size_t>(i)], (up - down) / (2.0 * h), 2e-3 * std::max(1.0, std::abs(analytic[static_cast<size_t>(i)]))) << i;
  }
}

}  // namespace
}  // namespace tessera::graph
