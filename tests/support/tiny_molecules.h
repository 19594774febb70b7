#pragma once
// A molecule set small enough to train on inside a test, written by the tests themselves.
#include <string>

namespace tessera::test_support {

// 40 small molecules as CSV (name,smiles,y); y is the number of carbons written in the SMILES.
std::string tiny_molecules_csv();

}  // namespace tessera::test_support
