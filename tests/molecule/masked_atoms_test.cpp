// The masked-atom objective's masking: only atom tokens, the original element as the target, the
// blank row in place of every feature, about the asked share, and the same masks from the same generator.
#include <gtest/gtest.h>

#include "modalities/graph/masked_atoms.h"

namespace tessera::graph {
namespace {

PreparedGraph chain(int atoms, int element) {
  MolecularGraph g;
  for (int i = 0; i < atoms; ++i) g.atoms.push_back({element + i % 3, 2, 2, 0, 3, 2, 0});
  for (int i = 0; i + 1 < atoms; ++i) g.bonds.push_back({i, i + 1, kSingle});
  return prepare_graph(g);
}

GraphBatch batch_of(const std::vector<PreparedGraph>& graphs) {
  std::vector<const PreparedGraph*> pointers;
  for (const PreparedGraph& g : graphs) pointers.push_back(&g);
  return make_graph_batch(pointers, DistanceBuckets{});
}

TEST(MaskedAtoms, MasksOnlyAtomsAndTargetsTheirElement) {
  const std::vector<PreparedGraph> graphs = {chain(30, 6), chain(12, 7), chain(50, 8)};
  const GraphBatch original = batch_of(graphs);
  GraphBatch masked = batch_of(graphs);
  Generator g(7);
  const Tensor targets = mask_atoms(masked, 0.15, g);
  const int64_t B = 3, T = original.padding.size(1);
  ASSERT_EQ(targets.size(0), B);
  ASSERT_EQ(targets.size(1), T);
  const int64_t* t = targets.data<int64_t>();
  const int64_t* before = original.atom_features.data<int64_t>();
  const int64_t* after = masked.atom_features.data<int64_t>();
  const uint8_t* padding = original.padding.data<uint8_t>();
  int64_t chosen = 0, atoms = 0;
  for (int64_t k = 0; k < B * T; ++k) {
    const bool atom = !padding[k] && k % T != 0;
    atoms += atom;
    if (t[k] == -100) {
      EXPECT_EQ(after[k], before[k]) << k;
      continue;
    }
    EXPECT_TRUE(atom) << "token " << k << " is the virtual token or padding";
    EXPECT_EQ(t[k], before[k]);
    for (int64_t f = 0; f < original.atom_features.size(0); ++f) EXPECT_EQ(after[f * B * T + k], blank_atom_row());
    ++chosen;
  }
  // The other atoms keep every feature.
  for (int64_t k = B * T; k < original.atom_features.numel(); ++k)
    if (t[k % (B * T)] == -100) {
      EXPECT_EQ(after[k], before[k]);
    }
  EXPECT_GT(chosen, atoms / 20);
  EXPECT_LT(chosen, atoms / 4);
}

TEST(MaskedAtoms, TheSameGeneratorGivesTheSameMasks) {
  const std::vector<PreparedGraph> graphs = {chain(20, 6), chain(9, 8)};
  GraphBatch a = batch_of(graphs), b = batch_of(graphs), c = batch_of(graphs);
  Generator ga(3), gb(3), gc(4);
  const Tensor ta = mask_atoms(a, 0.15, ga), tb = mask_atoms(b, 0.15, gb), tc = mask_atoms(c, 0.15, gc);
  const auto same = [](const Tensor& x, const Tensor& y) {
    for (int64_t k = 0; k < x.numel(); ++k)
      if (x.data<int64_t>()[k] != y.data<int64_t>()[k]) return false;
    return true;
  };
  EXPECT_TRUE(same(ta, tb));
  EXPECT_TRUE(same(a.atom_features, b.atom_features));
  EXPECT_FALSE(same(ta, tc));
}

TEST(MaskedAtoms, AlwaysMasksAtLeastOneAtom) {
  GraphBatch batch = batch_of({chain(2, 6)});
  Generator g(1);
  const Tensor targets = mask_atoms(batch, 1e-9, g);
  int64_t chosen = 0;
  for (int64_t k = 0; k < targets.numel(); ++k) chosen += targets.data<int64_t>()[k] != -100;
  EXPECT_EQ(chosen, 1);
}

}  // namespace
}  // namespace tessera::graph
