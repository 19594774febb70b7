#pragma once
// Pre-splitting text into chunks that BPE merges never cross, so tokens stay word-like ("ing",
// " the") instead of gluing words to punctuation, and so training can count each distinct chunk once.
#include <cstddef>
#include <string_view>
#include <vector>

namespace tessera::text {

// Splits `text` into consecutive chunks that together are exactly `text`. Bytes fall in three
// classes: word bytes (ASCII letters and digits, and every byte >= 0x80 so multi-byte UTF-8
// characters stay whole), whitespace (space, \t, \n, \v, \f, \r) and other bytes (punctuation,
// control characters, NUL). A chunk is one of
//   - a run of word bytes, preceded by one space when the byte before the run is a space;
//   - a run of other bytes;
//   - a run of whitespace, minus a final space that the following word takes.
// A run longer than kMaxChunkBytes is cut into pieces of at most that many bytes (moving a cut
// back up to 3 bytes so it does not split a UTF-8 character). The cap bounds the work per chunk
// in training and encoding on inputs with no natural breaks (a megabyte of letters or of one
// byte) and costs nothing on text: no useful token is that long.
inline constexpr size_t kMaxChunkBytes = 64;

std::vector<std::string_view> split_chunks(std::string_view text);

}  // namespace tessera::text
