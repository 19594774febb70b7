#pragma once
// Comma-separated records as RFC 4180 writes them and pandas reads them: fields in double quotes
// may hold commas, newlines and doubled quotes; CRLF or LF line ends; a UTF-8 byte-order mark is
// skipped. Blank lines are skipped. Binary input (a NUL byte) and an unterminated quote are
// DataErrors naming the file and line.
#include <fstream>
#include <string>
#include <vector>

namespace tessera::io {

class CsvRecords {
 public:
  explicit CsvRecords(const std::string& path);
  // The next record's fields; false at the end of the file.
  bool next(std::vector<std::string>& fields);
  // The line the last record started on (1-based).
  int64_t line() const { return record_line_; }
  const std::string& path() const { return path_; }

 private:
  int get();
  std::string path_;
  std::ifstream in_;
  int64_t line_ = 1, record_line_ = 0;
  bool first_ = true;
};

}  // namespace tessera::io
