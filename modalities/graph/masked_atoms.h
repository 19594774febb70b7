#pragma once
// The masked-atom pre-training objective (as masked residues for proteins): a share of the atoms of
// a batch (15 % by default) are hidden, and the model predicts each one's element from the rest of
// the molecule (cross-entropy over the element vocabulary). A hidden atom loses all its features,
// not only the element: degree, hydrogen count and hybridization would give most elements away.
// Its place in the graph (the distance and bond-type bias) stays.
#include "core/tensor/tensor.h"
#include "core/util/rng.h"
#include "modalities/graph/graph_batch.h"

namespace tessera::graph {

// Elements the objective predicts: atomic numbers 0..100, as the element feature.
int64_t element_vocabulary();

// Chooses each atom token of `batch` with probability `fraction` (never the virtual token or
// padding; at least one atom per batch) and replaces each of its features by the blank row.
// Returns [B, T] i64: the original element at chosen tokens, -100 elsewhere. Draws from `g`, so a
// batch's masking is a pure function of its generator and a resumed run masks as a straight one.
Tensor mask_atoms(GraphBatch& batch, double fraction, Generator& g);

}  // namespace tessera::graph
