#pragma once
// Reads which functions a header declares, so a test can check that each one is covered.
#include <set>
#include <string>

namespace tessera::test_support {

// The names of the functions declared in `header` as `ReturnType name(` at the start of a line,
// outside // comments (overloads give one name). Enough for a header of free-function declarations
// such as core/ops/ops.h; not a C++ parser.
std::set<std::string> declared_functions(const std::string& header);

}  // namespace tessera::test_support
