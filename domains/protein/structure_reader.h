#pragma once
// Reading protein chains from PDB and mmCIF files (plain or gzipped) through gemmi, one file or a
// folder of them.
#include <string>
#include <utility>
#include <vector>

#include "domains/protein/protein_chain.h"

namespace tessera::protein {

// Every protein chain of the first model (PDB, mmCIF, plain or .gz) through gemmi.
// Throws InputError naming the file on an unreadable file or one without any protein chain.
std::vector<ProteinChain> read_structure(const std::string& path);

// A file or a folder of structures read in parallel; unreadable files are reported (name +
// reason) in `skipped` and never abort the batch.
struct StructureSet {
  std::vector<ProteinChain> chains;                           // files in name order, chains in file order
  std::vector<std::pair<std::string, std::string>> skipped;  // file, reason
};
// A single file that cannot be read throws InputError (there is no batch to continue); so does a
// missing path, a folder that cannot be listed, and a folder where no file gives a protein chain.
StructureSet read_structures(const std::string& file_or_folder);

// The file name without its folder, ".gz" and the format extension: "x/1abc.pdb.gz" -> "1abc".
std::string structure_stem(const std::string& path);

}  // namespace tessera::protein
