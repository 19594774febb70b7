#pragma once
// HDF5 files of the protein domain: sequences to predict (a `sequences` string dataset with an
// `ids` string dataset of the same length) and the per-chain prediction file.
#include <string>
#include <vector>

#include "domains/protein/structure_prediction.h"

namespace tessera::protein {

struct NamedSequence {
  std::string name;
  std::string sequence;
};

// InputError naming the file when it is no HDF5 file, lacks either dataset, or they differ in length.
std::vector<NamedSequence> read_sequence_h5(const std::string& path);

// Datasets: sequence (string), distogram [L, L, 64], distogram_bin_edges [63],
// contact_probabilities [L, L], expected_distances [L, L], plddt [L], ca_coordinates [L, 3].
void write_prediction_h5(const std::string& path, const ChainPrediction& prediction);

}  // namespace tessera::protein
