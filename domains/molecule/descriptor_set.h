#pragma once
// RDKit's 2D descriptors (every one of RDKit::Descriptors::Properties, in its order), with the
// path-based connectivity indices computed from one path enumeration instead of six.
#include <string>
#include <vector>

namespace RDKit {
class ROMol;
}

namespace tessera::molecule {

const std::vector<std::string>& rdkit_descriptor_names();
// In rdkit_descriptor_names() order; the values RDKit's own functions give.
std::vector<double> rdkit_descriptors(const RDKit::ROMol& mol);

}  // namespace tessera::molecule
