#pragma once
// Runs the tessera executable, or any shell command, as a user would and captures what it says.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
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

// Starts TESSERA_BINARY in the background, stdout and stderr to files; returns its process id.
pid_t spawn_tessera(const std::string& args, const std::filesystem::path& out, const std::filesystem::path& err);
// The exit code of a child that has ended (128 + signal when a signal killed it), from waitpid's status.
int exit_code_of(int status);
// Waits for `pid` to end and returns its exit code; kills it and returns -1 after `timeout`.
int wait_for(pid_t pid, std::chrono::seconds timeout);

// The id of a process that has exited: what a killed writer's temporary is named after.
pid_t dead_pid();

// `s` as one shell word, whatever it holds (spaces, quotes, newlines).
std::string shell_quote(const std::string& s);

}  // namespace tessera::test_support
