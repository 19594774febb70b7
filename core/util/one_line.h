#pragma once
// Errors are printed as one line (`tessera: error: <file>: <what is wrong>`), and they quote what
// users typed: a newline or other control character in a value would split the line or move the
// terminal's cursor. one_line() writes such characters as C escapes (\n, \t, \x1b) instead.
#include <cstdio>
#include <string>

namespace tessera {

inline std::string one_line(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7f) {
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", u);
      out += hex;
    }
  }
  return out;
}

}  // namespace tessera
