#pragma once
// The commands the text domain adds to the CLI.
#include "domains/plugin/domain.h"

namespace tessera::text {

domains::DomainCommand generate_command();   // tessera generate
domains::DomainCommand eval_text_command();  // tessera eval text

}  // namespace tessera::text
