#pragma once
// Runs the tessera executable as a user would and captures what it says; reads what it wrote.
#include <map>
#include <string>
#include <vector>

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

// Every tensor of a checkpoint (parameters and optimizer moments) as raw bytes, keyed by name.
std::map<std::string, std::vector<char>> raw_tensors(const std::string& checkpoint);

}  // namespace tessera::test_support
