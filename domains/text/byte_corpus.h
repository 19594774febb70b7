#pragma once
#include <string>
#include <vector>

namespace tessera::text {

struct ByteCorpus {
  std::vector<uint8_t> bytes;
  size_t files = 0;
};

// The bytes of a file, or of every regular file directly in a directory (sorted by name,
// symbolic links skipped), concatenated. Throws DataError when there is nothing to read.
ByteCorpus load_byte_corpus(const std::string& path);

}  // namespace tessera::text
