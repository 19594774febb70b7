#include "tests/support/tiny_molecules.h"

#include <algorithm>
#include <vector>

namespace tessera::test_support {

std::string tiny_molecules_csv() {
  const std::vector<std::string> smiles = {"C",      "CC",       "CCC",      "CCCC",      "CCCCC",    "CCO",     "CCCO",
                                           "CCCCO",  "c1ccccc1", "Cc1ccccc1", "CCc1ccccc1", "CC(C)C",  "CC(C)O",  "CCN",
                                           "CCCN",   "OCCO",     "CC(=O)O",  "CCC(=O)O",  "c1ccncc1", "Oc1ccccc1", "CCOC",
                                           "CCOCC",  "CCCl",     "CCBr",     "C1CCCCC1",  "C1CCCC1",  "CC#N",    "CCC#N",
                                           "NCCN",   "CC(N)=O",  "COC(C)=O", "CCCCCC",    "CCCCCCC",  "OCC(O)CO", "CCS",
                                           "CSC",    "c1ccsc1",  "c1ccoc1",  "C=CC",      "C=CCC"};
  std::string csv = "name,smiles,y\n";
  for (size_t i = 0; i < smiles.size(); ++i)
    csv += "m" + std::to_string(i) + "," + smiles[i] + "," +
           std::to_string(std::count(smiles[i].begin(), smiles[i].end(), 'C') + std::count(smiles[i].begin(), smiles[i].end(), 'c')) + "\n";
  return csv;
}

}  // namespace tessera::test_support
