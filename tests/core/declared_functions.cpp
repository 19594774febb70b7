#include "tests/core/declared_functions.h"

#include <regex>
#include <sstream>

namespace tessera::test_support {

std::set<std::string> declared_functions(const std::string& header) {
  // Return type (words, ::, template brackets, * and &), then the name and its parenthesis.
  static const std::regex declaration(R"(^\s*((?:[\w:<>]+[\s*&]+)+)(\w+)\s*\()");
  // Statements that look like a declaration to the pattern: `return f(x);`, `else g(y);`.
  static const std::regex statement(R"(^(return|else|case|throw|new|delete|co_return)\b)");
  std::set<std::string> names;
  std::istringstream lines(header);
  for (std::string line; std::getline(lines, line);) {
    line = line.substr(0, line.find("//"));
    std::smatch m;
    if (!std::regex_search(line, m, declaration)) continue;
    const std::string type = m[1].str();
    if (!std::regex_search(type, statement)) names.insert(m[2].str());
  }
  return names;
}

}  // namespace tessera::test_support
