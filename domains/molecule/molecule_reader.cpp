#include "domains/molecule/molecule_reader.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>

#include "core/util/error.h"

namespace tessera::molecule {
namespace {

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The delimiter seen most often outside quotes in `line`.
char detect_delimiter(const std::string& line) {
  int comma = 0, semicolon = 0, tab = 0;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    comma += c == ',';
    semicolon += c == ';';
    tab += c == '\t';
  }
  if (tab > comma && tab > semicolon) return '\t';
  return semicolon > comma ? ';' : ',';
}

// Like std::getline, but a line longer than 1 MiB (a binary file, a device such as /dev/zero) is a
// DataError rather than unbounded memory. False at the end of the input.
constexpr size_t kMaxLine = size_t{1} << 20;

bool read_line(std::istream& in, std::string& line, const std::string& path, int64_t number) {
  line.clear();
  std::streambuf* buf = in.rdbuf();
  for (int c = buf->sbumpc();; c = buf->sbumpc()) {
    if (c == std::char_traits<char>::eof()) {
      in.setstate(std::ios::eofbit);
      if (line.empty()) return false;
      break;  // a last line without a newline is still cleaned as any other
    }
    if (c == '\n') break;
    // A NUL byte never occurs in text: this is a binary file (or UTF-16 text, which RDKit cannot
    // read either), and every row of it would become an unreadable molecule.
    if (c == 0)
      throw DataError(path, "line " + std::to_string(number) + " holds a NUL byte: not a text table of molecules (UTF-16 text must be saved as UTF-8)");
    line += static_cast<char>(c);
    if (line.size() > kMaxLine)
      throw DataError(path, "line " + std::to_string(number) + " is longer than 1 MiB; not a table of molecules");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  // Excel and Windows tools start UTF-8 text with a byte-order mark, which would become part of
  // the first column's name.
  if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
  return true;
}

// Reads lines of a CSV file, joining those a quoted field spans; skips `#` comments and blank lines.
class CsvLines {
 public:
  explicit CsvLines(const std::string& path) : path_(path), in_(path, std::ios::binary) {}
  bool good() const { return static_cast<bool>(in_); }
  // The next row's text and the number of its first line.
  bool next(std::string& row, int64_t& first_line) {
    std::string line;
    while (read_line(in_, line, path_, line_ + 1)) {
      ++line_;
      const std::string t = trim(line);
      if (t.empty() || t[0] == '#') continue;
      first_line = line_;
      row = line;
      // Quote parity is kept line by line: recounting the whole row made a long quoted field
      // quadratic (minutes for a megabyte).
      bool open = std::count(row.begin(), row.end(), '"') % 2 == 1;
      while (open && read_line(in_, line, path_, line_ + 1)) {
        ++line_;
        row += "\n" + line;
        open = open != (std::count(line.begin(), line.end(), '"') % 2 == 1);
        if (row.size() > kMaxLine)
          throw DataError(path_, "the quoted field from line " + std::to_string(first_line) + " runs past 1 MiB");
      }
      if (open)
        throw DataError(path_, "the quote opened on line " + std::to_string(first_line) + " is never closed");
      return true;
    }
    return false;
  }

 private:
  std::string path_;
  std::ifstream in_;
  int64_t line_ = 0;
};

std::vector<std::string> split_fields(const std::string& row, char delimiter) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < row.size(); ++i) {
    const char c = row[i];
    if (quoted) {
      if (c == '"' && i + 1 < row.size() && row[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == delimiter) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  for (std::string& f : fields) f = trim(f);
  return fields;
}

std::string listing(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

class CsvReader : public MoleculeReader {
 public:
  CsvReader(const std::string& path, const TableLayout& layout, bool require_targets)
      : path_(path), lines_(path), targets_(require_targets ? layout.targets.size() : 0) {
    if (!lines_.good()) throw InputError(path, "cannot open file");
    std::string first;
    int64_t line = 0;
    if (!lines_.next(first, line)) throw DataError(path, "has no rows");
    delimiter_ = layout.delimiter == "auto" ? detect_delimiter(first)
                 : layout.delimiter == "tab" ? '\t'
                                             : layout.delimiter[0];
    std::vector<std::string> header = layout.columns;
    if (header.empty()) {
      header = split_fields(first, delimiter_);
    } else {
      pending_ = first;
      pending_line_ = line;
    }
    auto column = [&](const std::string& name, const std::string& role) {
      auto it = std::find(header.begin(), header.end(), name);
      if (it == header.end())
        throw DataError(path, "has no " + role + " column '" + name + "' (columns: " + listing(header) + ")");
      if (std::find(it + 1, header.end(), name) != header.end())
        throw DataError(path, "has two columns named '" + name + "' (the " + role + " column): which one is meant?");
      return static_cast<size_t>(it - header.begin());
    };
    smiles_ = column(layout.smiles_column, "SMILES");
    const bool has_id = std::find(header.begin(), header.end(), layout.id_column) != header.end();
    if (!layout.id_column.empty() && (has_id || layout.id_required))
      id_ = static_cast<int64_t>(column(layout.id_column, "id"));
    for (size_t t = 0; t < targets_; ++t) target_columns_.push_back(column(layout.targets[t], "target"));
    names_ = layout.targets;
    columns_ = header.size();
    header_name_ = layout.columns.empty() ? "the header" : "data.columns";
  }

  bool next(MoleculeRecord& r) override {
    std::string row;
    if (!pending_.empty()) {
      row.swap(pending_);
      r.line = pending_line_;
    } else if (!lines_.next(row, r.line)) {
      return false;
    }
    const std::vector<std::string> fields = split_fields(row, delimiter_);
    auto field = [&](size_t i) { return i < fields.size() ? fields[i] : std::string(); };
    r.error.clear();
    // A row with a field too many or too few has lost or gained a delimiter somewhere, so which
    // value sits in which column is a guess.
    if (fields.size() != columns_)
      r.error = "has " + std::to_string(fields.size()) + (fields.size() == 1 ? " field" : " fields") + " where " + header_name_ +
                " has " + std::to_string(columns_);
    r.smiles = field(smiles_);
    r.id = id_ >= 0 ? field(static_cast<size_t>(id_)) : std::to_string(r.line);
    r.targets.assign(targets_, std::numeric_limits<double>::quiet_NaN());
    for (size_t t = 0; t < targets_; ++t) {
      const std::string text = field(target_columns_[t]);
      if (!parse_target(text, r.targets[t]) && r.error.empty())
        r.error = "target '" + names_[t] + "' is '" + text + "', not a number (or beyond +-3.4e38)";
    }
    return true;
  }

 private:
  std::string path_;
  CsvLines lines_;
  char delimiter_ = ',';
  size_t smiles_ = 0, targets_ = 0, columns_ = 0;
  std::string header_name_;
  int64_t id_ = -1;
  std::vector<size_t> target_columns_;
  std::vector<std::string> names_;
  std::string pending_;
  int64_t pending_line_ = 0;
};

// SMILES, whitespace, name; a first line starting with "smiles" is a header.
class SmiReader : public MoleculeReader {
 public:
  explicit SmiReader(const std::string& path) : path_(path), in_(path, std::ios::binary) {
    if (!in_) throw InputError(path, "cannot open file");
    if (in_.peek() == std::char_traits<char>::eof()) throw DataError(path, "has no rows");
  }
  bool next(MoleculeRecord& r) override {
    std::string line;
    while (read_line(in_, line, path_, line_ + 1)) {
      ++line_;
      const std::string t = trim(line);
      if (t.empty() || t[0] == '#') continue;
      const size_t gap = t.find_first_of(" \t");
      r.smiles = t.substr(0, gap);
      if (line_ == 1 && lower(r.smiles) == "smiles") continue;
      r.id = gap == std::string::npos ? std::to_string(line_) : trim(t.substr(gap));
      r.line = line_;
      r.targets.clear();
      r.error.clear();
      return true;
    }
    return false;
  }

 private:
  std::string path_;
  std::ifstream in_;
  int64_t line_ = 0;
};

}  // namespace

bool parse_target(const std::string& text, double& value) {
  const std::string t = lower(trim(text));
  if (t.empty() || t == "na" || t == "nan" || t == "none" || t == "-" || t == "n/a") {
    value = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  char* end = nullptr;
  value = std::strtod(t.c_str(), &end);
  // The model holds targets as 32-bit floats; 1e200 passed here and made the first loss infinite.
  if (end != t.c_str() + t.size() || !std::isfinite(value) || std::fabs(value) > std::numeric_limits<float>::max()) {
    value = std::numeric_limits<double>::quiet_NaN();
    return false;
  }
  return true;
}

std::string resolve_format(const std::string& path, const std::string& format) {
  if (format != "auto") return format;
  const std::string p = lower(path);
  if (ends_with(p, ".sdf") || ends_with(p, ".sd")) return "sdf";
  if (ends_with(p, ".smi") || ends_with(p, ".smiles")) return "smi";
  if (ends_with(p, ".csv") || ends_with(p, ".txt") || ends_with(p, ".tsv")) return "csv";
  if (ends_with(p, ".h5") || ends_with(p, ".hdf5")) return "h5";
  throw DataError(path, "cannot tell the format from the name; give data.format (csv, sdf, smi or h5)");
}

std::unique_ptr<MoleculeReader> open_molecules(const std::string& path, const TableLayout& layout, bool require_targets) {
  // A pipe without a writer would block the run forever, and a device streams without end.
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (!ec && std::filesystem::exists(status) && !std::filesystem::is_regular_file(status))
    throw InputError(path, "is not a regular file: a folder, device or pipe cannot be read as molecules");
  const std::string format = resolve_format(path, layout.format);
  if (format == "sdf") return open_sdf(path, layout, require_targets);
  if (format == "h5") return open_h5(path, layout, require_targets);
  if (format == "smi") {
    if (require_targets && !layout.targets.empty())
      throw DataError(path, "a .smi file holds no property values; give a CSV or SDF with the targets");
    return std::make_unique<SmiReader>(path);
  }
  return std::make_unique<CsvReader>(path, layout, require_targets);
}

}  // namespace tessera::molecule
