#pragma once
// A three-residue chain as PDB and as mmCIF text, built in code: the seeds of the pdb and mmcif
// harnesses.
#include <string>

namespace tessera::fuzz {

std::string tripeptide_pdb();
std::string tripeptide_mmcif();

}  // namespace tessera::fuzz
