#include "modalities/text/chunking.h"

namespace tessera::text {
namespace {

enum class ByteClass { kWord, kSpace, kOther };

ByteClass classify(char c) {
  const auto b = static_cast<unsigned char>(c);
  if (b >= 0x80 || (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')) return ByteClass::kWord;
  if (b == ' ' || (b >= '\t' && b <= '\r')) return ByteClass::kSpace;
  return ByteClass::kOther;
}

bool is_utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xc0) == 0x80; }

}  // namespace

std::vector<std::string_view> split_chunks(std::string_view text) {
  std::vector<std::string_view> chunks;
  const size_t n = text.size();
  auto word_at = [&](size_t i) { return i < n && classify(text[i]) == ByteClass::kWord; };
  size_t i = 0;
  while (i < n) {
    const size_t start = i;
    if (text[i] == ' ' && word_at(i + 1)) ++i;  // the space joins the word after it
    const ByteClass cls = classify(text[i]);
    while (i < n && classify(text[i]) == cls && i - start < kMaxChunkBytes) {
      if (cls == ByteClass::kSpace && text[i] == ' ' && word_at(i + 1)) break;
      ++i;
    }
    if (cls == ByteClass::kWord && i - start == kMaxChunkBytes)
      for (int back = 0; back < 3 && i < n && is_utf8_continuation(text[i]); ++back) --i;
    chunks.push_back(text.substr(start, i - start));
  }
  return chunks;
}

}  // namespace tessera::text
