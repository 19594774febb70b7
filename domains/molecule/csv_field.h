#pragma once
// One CSV field as written: quoted when it holds a comma, a quote or a line break.
#include <string>

namespace tessera::molecule {

inline std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace tessera::molecule
