#include "modalities/sequence/masked_residues.h"

#include "modalities/sequence/residue_alphabet.h"

namespace tessera::sequence {

MaskedResidues mask_residues(const std::vector<int64_t>& tokens, double fraction, Generator& g) {
  MaskedResidues m{tokens, std::vector<int64_t>(tokens.size(), -100)};
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i] == kPadToken || g.uniform() >= fraction) continue;
    m.targets[i] = tokens[i];
    const double how = g.uniform();
    if (how < 0.8)
      m.inputs[i] = kMaskToken;
    else if (how < 0.9)
      m.inputs[i] = static_cast<int64_t>(g.below(20));
  }
  return m;
}

}  // namespace tessera::sequence
