#pragma once
// The one way config code raises an error. Config errors quote what users typed (file names, keys,
// values), and a newline in any of them would break the one-line error into several.
#include <string>

#include "core/util/error.h"
#include "core/util/one_line.h"

namespace tessera::config {

[[noreturn]] inline void config_error(const std::string& file, const std::string& what) {
  throw ConfigError(one_line(file), one_line(what));
}

}  // namespace tessera::config
