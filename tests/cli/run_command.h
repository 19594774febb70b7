#pragma once
// Runs the tessera executable as a user would and captures what it says.
#include <string>

namespace tessera::test_support {

struct CommandResult {
  int exit_code;
  std::string out;
  std::string err;
};

// Runs TESSERA_BINARY with the given arguments (a shell-quoted string).
CommandResult run_tessera(const std::string& args);

}  // namespace tessera::test_support
