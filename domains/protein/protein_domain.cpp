// The protein domain: protein chains from PDB and mmCIF files, scored against reference structures.
#include "domains/protein/protein_commands.h"

namespace tessera::protein {

domains::Domain protein_domain() {
  domains::Domain d;
  d.name = "protein";
  d.commands = {eval_protein_command()};
  return d;
}

}  // namespace tessera::protein
