// SDF records through RDKit's forward supplier: the molecule is written back as SMILES, the id and
// targets come from the record's property fields (`> <ACTIVITY>`), the id defaulting to its name.
#include <GraphMol/FileParsers/MolSupplier.h>
#include <GraphMol/GraphMol.h>
#include <GraphMol/SmilesParse/SmilesWrite.h>

#include <fstream>
#include <limits>

#include "core/util/error.h"
#include "domains/molecule/chemistry.h"
#include "domains/molecule/molecule_reader.h"

namespace tessera::molecule {
namespace {

class SdfReader : public MoleculeReader {
 public:
  SdfReader(const std::string& path, const TableLayout& layout, bool require_targets)
      : path_(path), layout_(layout), require_targets_(require_targets) {
    silence_rdkit_logs();
    auto in = std::make_unique<std::ifstream>(path, std::ios::binary);
    if (!*in) throw InputError(path, "cannot open file");
    if (in->peek() == std::char_traits<char>::eof()) throw DataError(path, "has no records");
    supplier_ = std::make_unique<RDKit::ForwardSDMolSupplier>(in.release(), true);
  }

  const char* position_name() const override { return "record"; }

  bool next(MoleculeRecord& r) override {
    if (supplier_->atEnd()) return finish();
    std::unique_ptr<RDKit::ROMol> mol;
    r.error.clear();
    try {
      mol.reset(supplier_->next());
    } catch (const std::exception& e) {
      r.error = std::string("unreadable record: ") + e.what();
    }
    if (!mol && supplier_->atEnd() && r.error.empty()) return finish();
    r.line = ++record_;
    r.id = std::to_string(record_);
    r.smiles.clear();
    r.targets.assign(require_targets_ ? layout_.targets.size() : 0, std::numeric_limits<double>::quiet_NaN());
    if (!mol) {
      if (r.error.empty()) r.error = "unreadable record (RDKit could not parse or sanitize it)";
      return true;
    }
    std::string text;
    if (!layout_.id_column.empty() ? mol->getPropIfPresent(layout_.id_column, text) : mol->getPropIfPresent("_Name", text))
      if (!text.empty()) r.id = text;
    for (size_t t = 0; t < r.targets.size(); ++t) {
      if (!mol->getPropIfPresent(layout_.targets[t], text)) continue;
      seen_.resize(r.targets.size());
      seen_[t] = true;
      if (!parse_target(text, r.targets[t]) && r.error.empty())
        r.error = "property '" + layout_.targets[t] + "' is '" + text + "', not a number";
    }
    r.smiles = RDKit::MolToSmiles(*mol);
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
  std::unique_ptr<RDKit::ForwardSDMolSupplier> supplier_;
  int64_t record_ = 0;
  std::vector<bool> seen_;  // per target: some record has it
};

}  // namespace

std::unique_ptr<MoleculeReader> open_sdf(const std::string& path, const TableLayout& layout, bool require_targets) {
  return std::make_unique<SdfReader>(path, layout, require_targets);
}

}  // namespace tessera::molecule
