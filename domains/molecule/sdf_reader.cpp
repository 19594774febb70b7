// SDF records, split at `$$$$` lines by us (so that every record, readable or not, keeps its
// number) and parsed by RDKit; the molecule is written back as SMILES, the id and targets come
// from the record's property fields (`> <ACTIVITY>`), the id defaulting to its name line.
#include <GraphMol/FileParsers/FileParsers.h>
#include <GraphMol/GraphMol.h>
#include <GraphMol/SmilesParse/SmilesWrite.h>

#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "core/util/error.h"
#include "domains/molecule/chemistry.h"
#include "domains/molecule/molecule_reader.h"

namespace tessera::molecule {
namespace {

constexpr size_t kMaxRecord = size_t{64} << 20;

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

std::string trim_end(std::string s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
  return s;
}

// The data items after `M  END`: `> <NAME>` (or `>  <NAME>`, `> 12 <NAME>`) then value lines up to a blank one.
std::map<std::string, std::string> properties_of(const std::string& record) {
  std::map<std::string, std::string> out;
  const size_t end = record.find("M  END");
  if (end == std::string::npos) return out;
  std::istringstream in(record.substr(end));
  std::string line, name;
  while (std::getline(in, line)) {
    line = trim_end(line);
    if (!line.empty() && line[0] == '>') {
      const size_t open = line.find('<'), close = line.rfind('>');
      name = open != std::string::npos && close > open ? line.substr(open + 1, close - open - 1) : "";
      if (!name.empty()) out[name];
    } else if (line.empty()) {
      name.clear();
    } else if (!name.empty()) {
      out[name] += (out[name].empty() ? "" : "\n") + line;
    }
  }
  return out;
}

class SdfReader : public MoleculeReader {
 public:
  SdfReader(const std::string& path, const TableLayout& layout, bool require_targets)
      : path_(path), layout_(layout), require_targets_(require_targets), in_(path, std::ios::binary) {
    silence_rdkit_logs();
    if (!in_) throw InputError(path, "cannot open file");
    if (in_.peek() == std::char_traits<char>::eof()) throw DataError(path, "has no records");
  }

  const char* position_name() const override { return "record"; }

  bool next(MoleculeRecord& r) override {
    std::string record, line;
    bool ended = false;
    while (std::getline(in_, line)) {
      if (trim_end(line) == "$$$$") {
        ended = true;
        break;
      }
      if (line.find('\0') != std::string::npos)
        throw DataError(path_, "record " + std::to_string(record_ + 1) + " holds a NUL byte: not an SDF text file");
      record += line + "\n";
      if (record.size() > kMaxRecord) throw DataError(path_, "record " + std::to_string(record_ + 1) + " is longer than 64 MiB");
    }
    // RDKit parses the first connection table of a record and ignores the rest, so molecules
    // run together by a missing `$$$$` would vanish without a word.
    const size_t end = record.find("\nM  END");
    if (end != std::string::npos && record.find("\nM  END", end + 1) != std::string::npos)
      throw DataError(path_, "record " + std::to_string(record_ + 1) + " holds two molecules ('M  END' twice): a '$$$$' line is missing");
    if (record_ == 0 && record.rfind("\xEF\xBB\xBF", 0) == 0) record.erase(0, 3);  // a UTF-8 byte-order mark
    if (!ended && blank(record)) return finish();
    r.line = ++record_;
    r.id = std::to_string(record_);
    r.smiles.clear();
    r.error.clear();
    r.targets.assign(require_targets_ ? layout_.targets.size() : 0, std::numeric_limits<double>::quiet_NaN());
    const std::map<std::string, std::string> properties = properties_of(record);
    const std::string name = trim_end(record.substr(0, record.find('\n')));
    auto id = layout_.id_column.empty() ? properties.end() : properties.find(layout_.id_column);
    if (id != properties.end() && !id->second.empty()) r.id = id->second;
    else if (!name.empty()) r.id = name;
    for (size_t t = 0; t < r.targets.size(); ++t) {
      auto it = properties.find(layout_.targets[t]);
      if (it == properties.end()) continue;
      seen_.resize(r.targets.size());
      seen_[t] = true;
      if (!parse_target(it->second, r.targets[t]) && r.error.empty())
        r.error = "property '" + layout_.targets[t] + "' is '" + it->second + "', not a number (or beyond +-3.4e38)";
    }
    std::unique_ptr<RDKit::ROMol> mol;
    try {
      mol.reset(RDKit::MolBlockToMol(record));
    } catch (const std::exception& e) {
      if (r.error.empty()) r.error = std::string("unreadable record: ") + e.what();
    }
    if (mol && mol->getNumAtoms() > 0) r.smiles = RDKit::MolToSmiles(*mol);
    else if (r.error.empty()) r.error = "unreadable record (RDKit could not parse or sanitize it)";
    return true;
  }

 private:
  // At the end: a target property that no record has is an error in the file, not in one record.
  bool finish() {
    if (!require_targets_ || record_ == 0) return false;
    seen_.resize(layout_.targets.size());
    for (size_t t = 0; t < seen_.size(); ++t)
      if (!seen_[t]) throw DataError(path_, "no record has the property field '" + layout_.targets[t] + "'");
    return false;
  }

  std::string path_;
  TableLayout layout_;
  bool require_targets_;
  std::ifstream in_;
  int64_t record_ = 0;
  std::vector<bool> seen_;  // per target: some record has it
};

}  // namespace

std::unique_ptr<MoleculeReader> open_sdf(const std::string& path, const TableLayout& layout, bool require_targets) {
  return std::make_unique<SdfReader>(path, layout, require_targets);
}

}  // namespace tessera::molecule
