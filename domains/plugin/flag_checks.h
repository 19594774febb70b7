#pragma once
// Checks for command-line values shared by every command: numbers from users are hostile (CLI11's
// ranges let NaN through, since every comparison with it is false), and an output flag must name
// a file. A failed check is a parse error: one line naming the flag, exit code 2.
#include <CLI/CLI.hpp>
#include <cmath>
#include <string>

namespace tessera::domains {

// An empty value refused while parsing; `what` says what to give instead.
inline CLI::Validator non_empty(const std::string& what) {
  return CLI::Validator(
      [what](const std::string& value) { return value.empty() ? "is empty; give " + what : std::string(); }, "");
}

// For every flag that names an input or output file (the rest of the output rules are
// io::check_output_path's, run before any work).
inline CLI::Validator output_file() { return non_empty("a file path").name("FILE"); }
inline CLI::Validator input_file() { return non_empty("a file path").name("FILE"); }

// For every floating-point flag: NaN and infinities are refused.
inline CLI::Validator finite_number() {
  return CLI::Validator(
      [](const std::string& value) {
        double v = 0;
        if (!CLI::detail::lexical_cast(value, v)) return std::string("'" + value + "' is not a number");
        return std::isfinite(v) ? std::string() : std::string("must be a finite number, got '" + value + "'");
      },
      "");
}

}  // namespace tessera::domains
