#include "tests/support/one_line_error.h"

namespace tessera::test_support {

::testing::AssertionResult one_line_error(const CommandResult& r, int exit_code, const std::string& expected) {
  std::string wrong;
  if (r.exit_code != exit_code)
    wrong += "exit code " + std::to_string(r.exit_code) + ", expected " + std::to_string(exit_code) + "; ";
  if (r.err.rfind("tessera: error: ", 0) != 0) wrong += "stderr does not start with 'tessera: error: '; ";
  const size_t newline = r.err.find('\n');
  if (newline == std::string::npos || newline + 1 != r.err.size()) wrong += "stderr is not exactly one line; ";
  if (r.err.find(expected) == std::string::npos) wrong += "stderr lacks '" + expected + "'; ";
  if (!r.out.empty()) wrong += "a failed command must print nothing on stdout, it printed '" + r.out + "'; ";
  if (wrong.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << wrong << "stderr: " << r.err;
}

}  // namespace tessera::test_support
