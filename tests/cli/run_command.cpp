#include "tests/cli/run_command.h"

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/io/checkpoint.h"

namespace tessera::test_support {
namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

CommandResult run_tessera(const std::string& args) { return run_shell(std::string(TESSERA_BINARY) + " " + args); }

CommandResult run_shell(const std::string& command) {
  const auto dir = std::filesystem::temp_directory_path();
  const std::string tag = std::to_string(::getpid()) + "-" + std::to_string(std::rand());
  const auto out = dir / ("tessera-out-" + tag), err = dir / ("tessera-err-" + tag);
  const std::string cmd = command + " >" + out.string() + " 2>" + err.string();
  const int status = std::system(cmd.c_str());
  CommandResult r{WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), slurp(out), slurp(err)};
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return r;
}

std::map<std::string, std::vector<char>> raw_tensors(const std::string& checkpoint) {
  std::map<std::string, std::vector<char>> out;
  nn::NamedTensors tensors;
  for (const auto& t : io::list_checkpoint_tensors(checkpoint)) tensors.emplace_back(t.name, Tensor::zeros(t.shape, t.dtype));
  io::load_checkpoint(checkpoint, tensors);
  for (const auto& [name, t] : tensors) {
    const char* p = static_cast<const char*>(t.raw_data());
    out[name] = std::vector<char>(p, p + t.nbytes());
  }
  return out;
}

}  // namespace tessera::test_support
