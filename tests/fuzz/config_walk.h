#pragma once
// Reads a parsed config the way the domains do, without knowing their keys: every value through
// the typed accessor its YAML shape suggests, every section finished, the trunk keys of `model`
// through the shared reader; then checks that the effective config (what a run saves and a
// resumed run reads back) reads back as the same config. Shared by the config and set_value harnesses.
#include "core/config/config.h"

namespace tessera::fuzz {

void read_like_a_run(config::ConfigFile& file);

}  // namespace tessera::fuzz
