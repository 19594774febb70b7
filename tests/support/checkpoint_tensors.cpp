#include "tests/support/checkpoint_tensors.h"

#include "core/io/checkpoint.h"

namespace tessera::test_support {

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
