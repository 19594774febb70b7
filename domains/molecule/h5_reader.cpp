// HDF5 input: a 1-D string dataset of SMILES (named by data.smiles_column, default `smiles`), an
// optional string dataset of ids (data.id_column) and one numeric 1-D dataset per target (NaN:
// missing), all of the same length. Read whole: the records are small beside the models.
#include <hdf5.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>

#include "core/io/hdf5_handle.h"
#include "core/util/error.h"
#include "domains/molecule/molecule_reader.h"
#include "domains/molecule/prediction_writer.h"

namespace tessera::molecule {
namespace {

// The length of the 1-D dataset `name`; DataError when it is absent or not 1-D.
hsize_t length_of(hid_t dataset, const std::string& path, const std::string& name) {
  io::Hdf5Handle space(H5Dget_space(dataset), H5Sclose);
  hsize_t n = 0;
  if (!space.ok() || H5Sget_simple_extent_ndims(space.get()) != 1 || H5Sget_simple_extent_dims(space.get(), &n, nullptr) < 0)
    throw DataError(path, "dataset '" + name + "' is not one-dimensional");
  if (!io::extent_fits_file(dataset, n))
    throw DataError(path, "dataset '" + name + "' declares " + std::to_string(n) +
                              " values, more than the file can hold (truncated or corrupt file)");
  return n;
}

io::Hdf5Handle open_dataset(hid_t file, const std::string& path, const std::string& name, const std::string& role) {
  if (H5Lexists(file, name.c_str(), H5P_DEFAULT) <= 0) throw DataError(path, "has no " + role + " dataset '" + name + "'");
  io::Hdf5Handle d(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!d.ok()) throw DataError(path, "cannot open dataset '" + name + "'");
  return d;
}

std::vector<std::string> read_strings(hid_t file, const std::string& path, const std::string& name, const std::string& role) {
  io::Hdf5Handle d = open_dataset(file, path, name, role);
  const hsize_t n = length_of(d.get(), path, name);
  io::Hdf5Handle stored(H5Dget_type(d.get()), H5Tclose);
  if (!stored.ok() || H5Tget_class(stored.get()) != H5T_STRING) throw DataError(path, "dataset '" + name + "' is not strings");
  io::Hdf5Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_cset(type.get(), H5Tget_cset(stored.get()));
  std::vector<std::string> out;
  const std::string unreadable = "cannot read dataset '" + name + "'";
  if (H5Tis_variable_str(stored.get()) > 0) {
    H5Tset_size(type.get(), H5T_VARIABLE);
    std::vector<char*> raw(n, nullptr);
    if (H5Dread(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) < 0) throw DataError(path, unreadable);
    for (char* s : raw) {
      out.emplace_back(s ? s : "");
      H5free_memory(s);
    }
    return out;
  }
  const size_t size = H5Tget_size(stored.get());
  if (size == 0 || size > (size_t{1} << 20)) throw DataError(path, unreadable);
  H5Tset_size(type.get(), size);
  H5Tset_strpad(type.get(), H5T_STR_NULLPAD);
  std::vector<char> buffer(n * size + 1, '\0');
  if (H5Dread(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()) < 0) throw DataError(path, unreadable);
  // Only the padding at the end is dropped: a NUL inside a string stays in it, so that "C\0C" is
  // an invalid SMILES rather than methane.
  for (hsize_t i = 0; i < n; ++i) {
    const char* s = buffer.data() + i * size;
    size_t length = size;
    while (length > 0 && s[length - 1] == '\0') --length;
    out.emplace_back(s, length);
  }
  return out;
}

std::vector<double> read_numbers(hid_t file, const std::string& path, const std::string& name) {
  io::Hdf5Handle d = open_dataset(file, path, name, "target");
  const hsize_t n = length_of(d.get(), path, name);
  io::Hdf5Handle stored(H5Dget_type(d.get()), H5Tclose);
  const H5T_class_t kind = stored.ok() ? H5Tget_class(stored.get()) : H5T_NO_CLASS;
  if (kind != H5T_FLOAT && kind != H5T_INTEGER) throw DataError(path, "target dataset '" + name + "' is not numeric");
  std::vector<double> out(n);
  if (H5Dread(d.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
    throw DataError(path, "cannot read dataset '" + name + "'");
  return out;
}

// A target's dataset: its escaped name in files that predict molecule wrote (a target named
// `smiles`, or one holding '/'), else the name as given.
std::string target_dataset(hid_t file, const std::string& target) {
  const std::string escaped = h5_target_dataset(target);
  return escaped != target && H5Lexists(file, escaped.c_str(), H5P_DEFAULT) > 0 ? escaped : target;
}

class H5Reader : public MoleculeReader {
 public:
  H5Reader(const std::string& path, const TableLayout& layout, bool require_targets) {
    io::silence_hdf5();
    if (H5Fis_hdf5(path.c_str()) <= 0) throw DataError(path, "is not an HDF5 file");
    io::Hdf5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!file.ok()) throw InputError(path, "cannot open file");
    smiles_ = read_strings(file.get(), path, layout.smiles_column, "SMILES");
    const size_t n = smiles_.size();
    if (n == 0) throw DataError(path, "has no molecules");
    if (!layout.id_column.empty() && (layout.id_required || H5Lexists(file.get(), layout.id_column.c_str(), H5P_DEFAULT) > 0))
      ids_ = read_strings(file.get(), path, layout.id_column, "id");
    if (require_targets)
      for (const std::string& t : layout.targets) targets_.push_back(read_numbers(file.get(), path, target_dataset(file.get(), t)));
    target_names_ = layout.targets;
    for (size_t t = 0; t < targets_.size(); ++t)
      if (targets_[t].size() != n) throw DataError(path, "target dataset '" + layout.targets[t] + "' has " +
                                                         std::to_string(targets_[t].size()) + " values for " +
                                                         std::to_string(n) + " molecules");
    if (!ids_.empty() && ids_.size() != n) throw DataError(path, "the id dataset's length differs from the SMILES dataset's");
  }

  const char* position_name() const override { return "record"; }

  bool next(MoleculeRecord& r) override {
    if (next_ >= smiles_.size()) return false;
    r.line = static_cast<int64_t>(next_) + 1;
    r.id = ids_.empty() ? std::to_string(r.line) : ids_[next_];
    r.smiles = smiles_[next_];
    r.error.clear();
    r.targets.clear();
    for (size_t k = 0; k < targets_.size(); ++k) {
      const double value = targets_[k][next_];
      r.targets.push_back(std::isfinite(value) ? value : std::numeric_limits<double>::quiet_NaN());
      if (std::isfinite(value) && std::fabs(value) > std::numeric_limits<float>::max() && r.error.empty()) {
        char text[32];
        std::snprintf(text, sizeof text, "%g", value);
        r.error = "target '" + target_names_[k] + "' is " + text + ", beyond +-3.4e38";
      }
    }
    ++next_;
    return true;
  }

 private:
  std::vector<std::string> smiles_, ids_;
  std::vector<std::vector<double>> targets_;
  std::vector<std::string> target_names_;
  size_t next_ = 0;
};

}  // namespace

std::unique_ptr<MoleculeReader> open_h5(const std::string& path, const TableLayout& layout, bool require_targets) {
  return std::make_unique<H5Reader>(path, layout, require_targets);
}

}  // namespace tessera::molecule
