#pragma once
// The protein domain's bias audit: does the structure model serve some chains worse? Every chain
// of the audited split (the checkpoint's test split by default, as `eval protein --split test`)
// is predicted and scored by lDDT-C-alpha against itself, and counts towards its sequence-length
// bin, the secondary-structure class of its reference and its source file. The engine's
// regression sums carry the score: prediction lDDT-CA against a perfect 1, so mae is the mean
// lDDT shortfall (1 - lDDT-CA), bias is its negative and rmse the root mean square shortfall.
// One chain is one unit.
#include <string>
#include <vector>

#include "domains/plugin/domain.h"
#include "domains/protein/protein_chain.h"

namespace tessera::protein {

domains::BiasAuditData protein_bias_audit(const domains::ModelRun& run, config::Section data);

// Helix and strand fractions of a chain's residues with a C-alpha, from C-alpha geometry alone.
// A window of four C-alphas i..i+3 is helical when |CA(i)-CA(i+3)| is 4.2-5.6 A and the virtual
// torsion CA(i..i+3) is 20-80 degrees (about 50 in an alpha helix); two overlapping helical
// windows make their residues helix (a lone one is a turn). Where |CA(i)-CA(i+2)| and
// |CA(i+1)-CA(i+3)| both exceed 6.2 A and the torsion is extended (|torsion| >= 120 degrees, about
// -170 in a strand), residues i+1 and i+2 are strand, unless helix, when a C-alpha at least three
// residues away lies within 5.5 A (the neighbouring strand of a sheet; extended coil has none).
struct SecondaryStructure {
  double helix = 0, strand = 0;
};
SecondaryStructure ca_secondary_structure(const ProteinChain& chain);
// "mostly helix" (helix >= 0.5), "mostly strand" (strand >= 0.3 and more strand than helix), else "mixed".
std::string secondary_structure_class(const SecondaryStructure& s);

}  // namespace tessera::protein
