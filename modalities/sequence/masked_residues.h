#pragma once
// The BERT-style masked-residue objective: a share of the residues (15 % by default) is chosen;
// of those, 80 % become the mask token, 10 % a random amino acid and 10 % stay as they are, and
// the model predicts the original residue at every chosen position.
#include <cstdint>
#include <vector>

#include "core/util/rng.h"

namespace tessera::sequence {

struct MaskedResidues {
  std::vector<int64_t> inputs;   // tokens with the chosen positions replaced
  std::vector<int64_t> targets;  // the original token at chosen positions, -100 elsewhere
};

// Pad tokens are never chosen. Draws from `g`, so a batch is a pure function of its generator.
MaskedResidues mask_residues(const std::vector<int64_t>& tokens, double fraction, Generator& g);

}  // namespace tessera::sequence
