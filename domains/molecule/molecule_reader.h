#pragma once
// Reading molecules and their measured properties, one record at a time (so predicting a large
// library needs bounded memory): CSV (quoted fields, `,` `;` or tab, `#` comment lines, or no
// header when the columns are named in the config), .smi (SMILES and name), SDF (property fields),
// HDF5 (a SMILES string dataset and one dataset per target).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tessera::molecule {

struct TableLayout {
  std::string format = "auto";              // auto | csv | sdf | smi | h5
  std::string smiles_column = "smiles";
  std::string id_column;                    // empty: records are named by their line or record number
  bool id_required = true;                  // false: a CSV without the id column is named by line numbers
  std::vector<std::string> targets;         // property columns (SDF: property fields)
  std::vector<std::string> columns;         // a CSV without a header row: its column names
  std::string delimiter = "auto";           // auto | , | ; | tab
};

struct MoleculeRecord {
  int64_t line = 0;           // CSV and .smi: line number; SDF: record number (1-based)
  std::string id;
  std::string smiles;         // SDF: written by RDKit from the record
  std::vector<double> targets;  // in layout order; NaN where missing
  std::string error;          // why the record cannot be used (bad SDF record, non-numeric target)
};

class MoleculeReader {
 public:
  virtual ~MoleculeReader() = default;
  // The next record; false at the end of the input.
  virtual bool next(MoleculeRecord& record) = 0;
  // "line" or "record", for messages.
  virtual const char* position_name() const { return "line"; }
};

// The format `layout.format` names, or the one the file name says (.csv .txt .tsv, .sdf .sd, .smi, .h5 .hdf5).
std::string resolve_format(const std::string& path, const std::string& format);

// Opens `path`; DataError naming it when it is empty, lacks the SMILES, id or target columns
// (`require_targets`), or is not readable. Targets are read only when `require_targets`.
std::unique_ptr<MoleculeReader> open_molecules(const std::string& path, const TableLayout& layout, bool require_targets);

std::unique_ptr<MoleculeReader> open_sdf(const std::string& path, const TableLayout& layout, bool require_targets);
std::unique_ptr<MoleculeReader> open_h5(const std::string& path, const TableLayout& layout, bool require_targets);

// A target value as written: a number a 32-bit float holds, or missing (empty, NA, NaN, None, -).
// False: neither.
bool parse_target(const std::string& text, double& value);

}  // namespace tessera::molecule
