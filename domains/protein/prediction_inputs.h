#pragma once
// What `predict protein` reads: named sequences from a FASTA file (many records), an HDF5 file
// (sequences + ids), or structure files (PDB / mmCIF, plain or gzipped, one file or a folder).
// Entries that cannot be predicted (under 10 residues) are skipped and reported; an input with
// nothing to predict is an error.
#include <string>
#include <utility>
#include <vector>

#include "domains/protein/prediction_h5.h"

namespace tessera::protein {

struct PredictionInputs {
  std::vector<NamedSequence> sequences;
  std::vector<std::pair<std::string, std::string>> skipped;  // file or record, reason
};

// Records in file order; InputError naming the file and the record for a character that is no
// residue letter, a file without records, text before the first '>', or a repeated name.
std::vector<NamedSequence> read_fasta(const std::string& path);

PredictionInputs read_prediction_inputs(const std::string& path);

// A name safe as a file name: characters outside [A-Za-z0-9._-] become '_'.
std::string file_safe_name(const std::string& name);

}  // namespace tessera::protein
