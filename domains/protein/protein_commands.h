#pragma once
// The commands the protein domain adds to the CLI.
#include "domains/plugin/domain.h"

namespace tessera::protein {

domains::DomainCommand eval_protein_command();  // tessera eval protein --predictions P --references R

}  // namespace tessera::protein
