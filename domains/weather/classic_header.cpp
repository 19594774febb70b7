#include "domains/weather/classic_header.h"

#include <netcdf.h>

#include <cstdint>
#include <filesystem>
#include <fstream>

#include "core/util/error.h"

namespace tessera::weather {
namespace {

constexpr uint64_t kDimensionTag = 0x0A, kVariableTag = 0x0B, kAttributeTag = 0x0C;

// Reads big-endian fields in file order and refuses any length that reaches past the end.
class HeaderWalk {
 public:
  HeaderWalk(const std::string& path, uint64_t size) : path_(path), size_(size), in_(path, std::ios::binary) {}

  // 4 bytes, or 8 in CDF-5 where counts and lengths are 64-bit.
  uint64_t count() { return number(wide_ ? 8 : 4); }

  uint64_t number(int bytes) {
    need(static_cast<uint64_t>(bytes), "a header field");
    unsigned char b[8];
    in_.read(reinterpret_cast<char*>(b), bytes);
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | b[i];
    position_ += static_cast<uint64_t>(bytes);
    return v;
  }

  // `length` bytes padded to a multiple of 4, skipped after checking they are there.
  void skip_padded(uint64_t length, const char* what) {
    const uint64_t padded = length + (4 - length % 4) % 4;
    need(padded, what);
    in_.seekg(static_cast<std::streamoff>(padded), std::ios::cur);
    position_ += padded;
  }

  // NetCDF-C copies a name into the caller's NC_MAX_NAME + 1 bytes without checking its length.
  void name() {
    const uint64_t length = count();
    if (length > NC_MAX_NAME)
      fail("a name of " + std::to_string(length) + " bytes at byte " + std::to_string(position_) + ", longer than NetCDF's " +
           std::to_string(NC_MAX_NAME));
    skip_padded(length, "a name");
  }

  // A list: ABSENT (two zeros) or its tag and element count. Each element takes at least
  // `min_element_bytes`, so a count the rest of the file cannot hold is refused before any element.
  uint64_t list(uint64_t tag, uint64_t min_element_bytes, const char* what) {
    const uint64_t found = number(4);
    const uint64_t n = count();
    if (found == 0 && n == 0) return 0;
    if (found != tag) fail(std::string("a ") + what + " list with tag " + std::to_string(found));
    if (n > (size_ - position_) / min_element_bytes)
      fail("the header declares " + std::to_string(n) + " " + what + "s, more than the file's " +
           std::to_string(size_) + " bytes can hold");
    return n;
  }

  void attributes() {
    const uint64_t n = list(kAttributeTag, wide_ ? 20 : 12, "attribute");
    for (uint64_t i = 0; i < n; ++i) {
      name();
      const uint64_t type = number(4);
      const uint64_t values = count();
      const uint64_t width = type_width(type);
      if (values > (size_ - position_) / width) fail("an attribute declares more values than the file holds");
      skip_padded(values * width, "attribute values");
    }
  }

  void walk() {
    char magic[4] = {};
    in_.read(magic, 4);
    if (in_.gcount() < 4 || std::string(magic, 3) != "CDF") return;
    if (magic[3] != 1 && magic[3] != 2 && magic[3] != 5) return;
    wide_ = magic[3] == 5;
    const int begin_bytes = magic[3] == 1 ? 4 : 8;
    position_ = 4;
    count();  // the number of records
    const uint64_t dimensions = list(kDimensionTag, wide_ ? 16 : 8, "dimension");
    for (uint64_t i = 0; i < dimensions; ++i) {
      name();
      count();
    }
    attributes();
    const uint64_t variables = list(kVariableTag, wide_ ? 40 : 24, "variable");
    for (uint64_t i = 0; i < variables; ++i) {
      name();
      const uint64_t rank = count();
      if (rank > (size_ - position_) / (wide_ ? 8 : 4)) fail("a variable declares more dimensions than the file holds");
      for (uint64_t d = 0; d < rank; ++d) count();
      attributes();
      type_width(number(4));
      count();  // vsize
      number(begin_bytes);
    }
  }

 private:
  uint64_t type_width(uint64_t type) {
    switch (type) {
      case 1: case 2: case 7: return 1;    // byte, char, ubyte
      case 3: case 8: return 2;            // short, ushort
      case 4: case 5: case 9: return 4;    // int, float, uint
      case 6: case 10: case 11: return 8;  // double, int64, uint64
    }
    fail("unknown value type " + std::to_string(type) + " in the header");
  }

  void need(uint64_t bytes, const std::string& what) {
    if (bytes > size_ - position_)
      fail(what + " at byte " + std::to_string(position_) + " reaches past the end of the file (" + std::to_string(size_) +
           " bytes)");
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw DataError(path_, "truncated or corrupt NetCDF file (" + what + ")");
  }

  const std::string& path_;
  uint64_t size_;
  std::ifstream in_;
  uint64_t position_ = 0;
  bool wide_ = false;
};

}  // namespace

void check_classic_header(const std::string& path) {
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) throw DataError(path, "cannot read the file size: " + ec.message());
  HeaderWalk(path, size).walk();
}

}  // namespace tessera::weather
