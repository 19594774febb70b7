#include "tests/support/slurp.h"

#include <fstream>
#include <sstream>

namespace tessera::test_support {

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace tessera::test_support
