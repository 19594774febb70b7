#pragma once
// Which predicted chain is scored against which reference chain: files by stem ("1abc.pdb" with
// "1abc.cif.gz"), or the one prediction file with the one reference file when neither side is a
// folder; chains by id, except that a file of one chain pairs with a file of one chain whatever
// their ids (predictors often name every chain A).
#include <string>
#include <vector>

#include "domains/protein/protein_chain.h"

namespace tessera::protein {

struct ChainPair {
  const ProteinChain* predicted;
  const ProteinChain* reference;
};

struct ChainPairing {
  std::vector<ChainPair> pairs;                   // in the predictions' order
  std::vector<std::string> unpredicted_references;  // reference chains (names) no prediction pairs with
};

// Throws DataError naming the prediction's file when a prediction file or chain has no reference,
// and naming a file whose stem another file of the same side already has.
ChainPairing pair_chains(const std::vector<ProteinChain>& predictions, const std::vector<ProteinChain>& references,
                         bool by_stem);

}  // namespace tessera::protein
