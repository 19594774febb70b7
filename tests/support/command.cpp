#include "tests/support/command.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"

namespace tessera::test_support {

CommandResult run_tessera(const std::string& args) { return run_shell(std::string(TESSERA_BINARY) + " " + args); }

CommandResult run_shell(const std::string& command) {
  const ScratchDir capture("command");
  const auto out = capture / "stdout", err = capture / "stderr";
  const std::string cmd = command + " >" + out.string() + " 2>" + err.string();
  return {exit_code_of(std::system(cmd.c_str())), slurp(out), slurp(err)};
}

pid_t spawn_tessera(const std::string& args, const std::filesystem::path& out, const std::filesystem::path& err) {
  const std::string cmd =
      "exec " + std::string(TESSERA_BINARY) + " " + args + " >" + shell_quote(out.string()) + " 2>" + shell_quote(err.string());
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

int exit_code_of(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

int wait_for(pid_t pid, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid, &status, WNOHANG) == pid) return exit_code_of(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return -1;
}

pid_t dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  return child;
}

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

}  // namespace tessera::test_support
