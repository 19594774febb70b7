#include "modalities/graph/masked_atoms.h"

#include <vector>

namespace tessera::graph {

int64_t element_vocabulary() { return kAtomVocabulary[kElement]; }

Tensor mask_atoms(GraphBatch& batch, double fraction, Generator& g) {
  const int64_t B = batch.padding.size(0), T = batch.padding.size(1), F = batch.atom_features.size(0);
  // The element feature is the first block of atom_features and its rows start at 0, so a row
  // there is the element itself.
  int64_t* features = batch.atom_features.data<int64_t>();
  auto hide = [&](int64_t k) {
    for (int64_t f = 0; f < F; ++f) features[f * B * T + k] = blank_atom_row();
  };
  const uint8_t* padding = batch.padding.data<uint8_t>();
  Tensor targets = Tensor::full({B, T}, -100, DType::i64);
  int64_t* t = targets.data<int64_t>();
  std::vector<int64_t> atoms;
  int64_t chosen = 0;
  for (int64_t b = 0; b < B; ++b)
    for (int64_t i = 1; i < T; ++i) {
      const int64_t k = b * T + i;
      if (padding[k]) continue;
      atoms.push_back(k);
      if (g.uniform() >= fraction) continue;
      t[k] = features[k];
      hide(k);
      ++chosen;
    }
  if (chosen == 0 && !atoms.empty()) {  // a cross-entropy over no target is undefined
    const int64_t k = atoms[g.below(atoms.size())];
    t[k] = features[k];
    hide(k);
  }
  return targets;
}

}  // namespace tessera::graph
