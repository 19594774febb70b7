// The graph modality on molecules small enough to work out by hand: shortest-path distances and
// the bond types along the path, the batch layout (virtual token, padding), and a bias that is
// differentiable and per head.
#include <gtest/gtest.h>

#include "core/autograd/autograd.h"
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

}  // namespace
}  // namespace tessera::graph
