#pragma once
// 3D conformer distances as Gaussian kernel features (Uni-Mol): each atom pair's distance becomes
// `count` values exp(-((d - mean_k) / width)^2 / 2) on a fixed grid of means; the embedding mixes
// them into a per-head bias with learned weights. A pair without a distance gets all zeros, so it
// gets no 3D term.
#include <cstdint>

namespace tessera::graph {

struct ConformerKernels {
  int count = 0;        // 0: no 3D term
  float first = 1.0f;   // ångström: the kernel means are spaced evenly from first to last
  float last = 16.0f;   // (heavy-atom distances in drug-sized molecules rarely exceed it)
  bool enabled() const { return count > 0; }
  float mean(int k) const;
  float width() const;  // the spacing of the means: neighbouring kernels overlap at half height
  // Writes `count` values for `distance`; zeros when it is NaN (unknown).
  void features(float distance, float* out) const;
};

// The grid used when a model asks for conformer distances (model.conformer: true).
ConformerKernels default_conformer_kernels();

}  // namespace tessera::graph
