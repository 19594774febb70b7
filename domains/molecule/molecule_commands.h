#pragma once
// The commands the molecule domain adds to the CLI.
#include "domains/plugin/domain.h"

namespace tessera::molecule {

domains::DomainCommand predict_molecule_command();  // tessera predict molecule
domains::DomainCommand eval_molecule_command();     // tessera eval molecule
domains::DomainCommand molecule_demo_command();     // tessera data molecule-demo

}  // namespace tessera::molecule
