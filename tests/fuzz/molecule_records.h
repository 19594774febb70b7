#pragma once
// Every record of a molecule table, read and featurized the way training and predict do (graph,
// descriptors, scaffold); shared by the harnesses of the table formats.
#include "domains/molecule/molecule_reader.h"

namespace tessera::fuzz {

// The layout the table harnesses read with: SMILES, an id and two targets.
molecule::TableLayout fuzz_layout();

// Opens `path` as `layout` says and featurizes each of its records.
void read_molecules(const std::string& path, const molecule::TableLayout& layout);

}  // namespace tessera::fuzz
