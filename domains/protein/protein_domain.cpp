// The protein domain: protein chains from PDB and mmCIF files, scored against reference structures.
#include "domains/protein/protein_commands.h"
#include "domains/protein/protein_model_parts.h"

namespace tessera::protein {

domains::Domain protein_domain() {
  domains::Domain d;
  d.name = "protein";
  d.commands = {eval_protein_command()};
  add_structure_model(d);
  return d;
}

}  // namespace tessera::protein
