#pragma once
// A predicted C-alpha model as a PDB file: one CA atom per residue of chain A, numbered from 1,
// pLDDT (0-100) in the B-factor column, as AlphaFold writes it.
#include <string>

#include "domains/protein/structure_prediction.h"

namespace tessera::protein {

void write_model_pdb(const std::string& path, const ChainPrediction& prediction);

}  // namespace tessera::protein
