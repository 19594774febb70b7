#pragma once
// Whether a resumed run's effective config is the one its run started with. A newer tessera
// writes every key it reads, defaults included, so its config may hold keys an older run's
// config.yaml never had; those keys are new defaults, not changes. Every key the saved config
// holds must read the same.
#include <string>

namespace tessera::config {

// True when `current` (YAML text) holds every key of `saved` with the same value; keys only in
// `current` are allowed. Text that is not YAML never matches.
bool extends_config(const std::string& saved, const std::string& current);

}  // namespace tessera::config
