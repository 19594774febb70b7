#include "tests/support/command.h"

#include <sys/wait.h>

#include <cstdlib>

#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"

namespace tessera::test_support {

CommandResult run_tessera(const std::string& args) { return run_shell(std::string(TESSERA_BINARY) + " " + args); }

CommandResult run_shell(const std::string& command) {
  const ScratchDir capture("command");
  const auto out = capture / "stdout", err = capture / "stderr";
  const std::string cmd = command + " >" + out.string() + " 2>" + err.string();
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), slurp(out), slurp(err)};
}

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

}  // namespace tessera::test_support
