#pragma once
// The commands the protein structure model adds to the CLI.
#include "domains/plugin/domain.h"

namespace tessera::protein {

domains::DomainCommand predict_protein_command();  // tessera predict protein

}  // namespace tessera::protein
