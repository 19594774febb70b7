#include "domains/text/byte_corpus.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/util/error.h"

namespace tessera::text {

namespace fs = std::filesystem;

ByteCorpus load_byte_corpus(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw DataError(path, "no such file or directory");
  std::vector<fs::path> files;
  if (fs::is_directory(path, ec)) {
    for (const auto& entry : fs::directory_iterator(path, ec))
      if (!entry.is_symlink() && entry.is_regular_file()) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    if (files.empty()) throw DataError(path, "directory holds no regular files");
  } else if (fs::is_regular_file(path, ec)) {
    files.push_back(path);
  } else {  // a device or FIFO would be read until memory runs out, or forever
    throw DataError(path, "is not a regular file or a directory of files");
  }
  ByteCorpus corpus;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) throw DataError(f.string(), "cannot read file");
    corpus.bytes.insert(corpus.bytes.end(), std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  corpus.files = files.size();
  if (corpus.bytes.empty()) throw DataError(path, "corpus is empty");
  return corpus;
}

}  // namespace tessera::text
