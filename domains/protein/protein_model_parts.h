#pragma once
// The structure model's part of the protein domain: its task, its checkpoint kind and the
// commands that run it; added to the domain by protein_domain.cpp.
#include "domains/plugin/domain.h"

namespace tessera::protein {

void add_structure_model(domains::Domain& domain);

}  // namespace tessera::protein
