#pragma once
// Whether bytes are text: UTF-8 without control characters other than tab, line feed and a
// carriage return that ends a line before a line feed. yaml-cpp reads other bytes in ways it does
// not write back (invalid UTF-8 as Latin-1, then U+FFFD; NUL ends a scalar; a lone carriage return
// is no line break to it), so a config saved with a run would name other keys, paths and values
// than the one the user wrote.
#include <cstdint>
#include <string>

namespace tessera {

// The offset of the first byte that is a control character (a carriage return not followed by a
// line feed included) or does not belong to a UTF-8 character (overlong forms, surrogates and
// code points above U+10FFFF included), or npos.
inline size_t first_non_text_byte(const std::string& text) {
  for (size_t i = 0; i < text.size();) {
    const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    const size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || i + length > text.size()) return i;
    if ((lead < 0x20 && lead != '\t' && lead != '\n' && lead != '\r') || lead == 0x7F) return i;
    if (lead == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) return i;
    uint32_t code = length == 1 ? lead : lead & (0x7F >> length);
    for (size_t k = 1; k < length; ++k) {
      if ((byte(i + k) & 0xC0) != 0x80) return i;
      code = (code << 6) | (byte(i + k) & 0x3F);
    }
    const uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < smallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return i;
    i += length;
  }
  return std::string::npos;
}

}  // namespace tessera
