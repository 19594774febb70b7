#pragma once
// Runs the tessera executable, or any shell command, as a user would and captures what it says.
#include <string>

namespace tessera::test_support {

struct CommandResult {
  int exit_code;
  std::string out;
  std::string err;
};

// Runs TESSERA_BINARY with the given arguments (a shell-quoted string).
CommandResult run_tessera(const std::string& args);
// Runs a shell command line (e.g. a launcher in front of TESSERA_BINARY).
CommandResult run_shell(const std::string& command);

// `s` as one shell word, whatever it holds (spaces, quotes, newlines).
std::string shell_quote(const std::string& s);

}  // namespace tessera::test_support
