#pragma once
// The file `predict molecule` writes, one chunk of rows at a time so that memory does not grow with
// the library: CSV (id, smiles, one column per target, error) or HDF5 (datasets `ids`, `smiles`,
// one float64 dataset per target, `error`, all extendable, in input order).
#include <memory>
#include <string>
#include <vector>

namespace tessera::molecule {

struct PredictionRow {
  std::string id;
  std::string smiles;
  std::vector<double> values;  // one per target; empty when the row failed
  std::string error;           // empty when the row is fine
};

class PredictionWriter {
 public:
  virtual ~PredictionWriter() = default;
  virtual void write(const std::vector<PredictionRow>& rows) = 0;
  // Flushes everything to the file; InputError naming it when that fails (disk full).
  virtual void close() = 0;
};

// A writer for `path` (the temporary file of write_atomically) in `format` ("csv" or "h5").
std::unique_ptr<PredictionWriter> open_prediction_writer(const std::string& format, const std::string& path,
                                                         const std::vector<std::string>& targets);
std::unique_ptr<PredictionWriter> open_prediction_h5(const std::string& path, const std::vector<std::string>& targets);

// The dataset a target's values are stored under in an HDF5 file: the name itself when HDF5 takes
// it, else an escaping that no other target name maps to ('%' and '/' percent-encoded; "", "." and
// the names `ids`, `smiles`, `error` prefixed with '%'). The dataset keeps the original name in
// its attribute `target`.
std::string h5_target_dataset(const std::string& target);

}  // namespace tessera::molecule
