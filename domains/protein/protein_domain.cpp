// The protein domain: protein chains from PDB and mmCIF files, scored against reference structures.
#include "domains/plugin/domain.h"

namespace tessera::protein {

domains::Domain protein_domain() {
  domains::Domain d;
  d.name = "protein";
  return d;
}

}  // namespace tessera::protein
