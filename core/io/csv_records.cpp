#include "core/io/csv_records.h"

#include <filesystem>

#include "core/util/error.h"

namespace tessera::io {

CsvRecords::CsvRecords(const std::string& path) : path_(path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError(path, "is a folder, not a CSV file");
  in_.open(path, std::ios::binary);
  if (!in_) throw InputError(path, "cannot open (no such file, or not readable)");
}

int CsvRecords::get() {
  const int c = in_.get();
  if (c == 0) throw DataError(path_, "line " + std::to_string(line_) + ": a NUL byte; this is not a CSV text file");
  if (c == '\n') ++line_;
  return c;
}

bool CsvRecords::next(std::vector<std::string>& fields) {
  if (first_) {
    first_ = false;
    if (in_.peek() == 0xEF) {
      char bom[3];
      in_.read(bom, 3);
      if (std::string(bom, 3) != "\xEF\xBB\xBF") throw DataError(path_, "line 1: not UTF-8 text");
    }
  }
  for (;;) {
    fields.assign(1, std::string());
    record_line_ = line_;
    int c = get();
    if (c == EOF) return false;
    bool any = false;
    for (; c != EOF; c = get()) {
      if (c == '\n') break;
      if (c == '\r' && in_.peek() == '\n') continue;
      any = true;
      if (c == ',') {
        fields.emplace_back();
      } else if (c == '"' && fields.back().empty()) {
        for (;;) {
          c = get();
          if (c == EOF)
            throw DataError(path_, "line " + std::to_string(record_line_) + ": a quoted field is never closed");
          if (c == '"') {
            if (in_.peek() != '"') break;
            get();
          }
          fields.back() += static_cast<char>(c);
        }
      } else {
        fields.back() += static_cast<char>(c);
      }
    }
    if (any) return true;
    if (c == EOF) return false;
  }
}

}  // namespace tessera::io
