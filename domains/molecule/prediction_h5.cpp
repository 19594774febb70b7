// Predictions as HDF5: every dataset is 1-D, chunked and extendable, and grows by one chunk of rows
// at a time, so a library of any size streams through bounded memory.
#include <hdf5.h>

#include <cmath>
#include <limits>

#include "core/io/hdf5_handle.h"
#include "core/util/error.h"
#include "domains/molecule/prediction_writer.h"

namespace tessera::molecule {
namespace {

constexpr hsize_t kChunkRows = 4096;

io::Hdf5Handle utf8_strings() {
  io::Hdf5Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  return type;
}

class H5PredictionWriter : public PredictionWriter {
 public:
  H5PredictionWriter(const std::string& path, const std::vector<std::string>& targets)
      : path_(path), file_(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose), strings_(utf8_strings()) {
    if (!file_.ok()) throw InputError(path, "cannot create the HDF5 file");
    ids_ = create("ids", strings_.get());
    smiles_ = create("smiles", strings_.get());
    for (const std::string& t : targets) {
      targets_.push_back(create(h5_target_dataset(t), H5T_IEEE_F64LE));
      name_target(targets_.back(), t);
    }
    error_ = create("error", strings_.get());
  }

  void write(const std::vector<PredictionRow>& rows) override {
    if (rows.empty()) return;
    const hsize_t start = rows_, n = rows.size();
    rows_ += n;
    std::vector<const char*> text(n);
    auto put_strings = [&](hid_t dataset, const std::string PredictionRow::*field) {
      for (hsize_t i = 0; i < n; ++i) text[i] = (rows[i].*field).c_str();
      append(dataset, start, n, strings_.get(), text.data());
    };
    put_strings(ids_, &PredictionRow::id);
    put_strings(smiles_, &PredictionRow::smiles);
    put_strings(error_, &PredictionRow::error);
    std::vector<double> values(n);
    for (size_t k = 0; k < targets_.size(); ++k) {
      for (hsize_t i = 0; i < n; ++i)
        values[i] = rows[i].values.empty() ? std::numeric_limits<double>::quiet_NaN() : rows[i].values[k];
      append(targets_[k], start, n, H5T_NATIVE_DOUBLE, values.data());
    }
  }

  void close() override {
    if (H5Fflush(file_.get(), H5F_SCOPE_GLOBAL) < 0) throw InputError(path_, "cannot write the HDF5 file (disk full?)");
  }

 private:
  hid_t create(const std::string& name, hid_t type) {
    const hsize_t empty = 0, unlimited = H5S_UNLIMITED;
    io::Hdf5Handle space(H5Screate_simple(1, &empty, &unlimited), H5Sclose);
    io::Hdf5Handle chunked(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    H5Pset_chunk(chunked.get(), 1, &kChunkRows);
    const hid_t d = H5Dcreate2(file_.get(), name.c_str(), type, space.get(), H5P_DEFAULT, chunked.get(), H5P_DEFAULT);
    if (d < 0) throw InputError(path_, "cannot create dataset '" + name + "'");
    datasets_.emplace_back(d, H5Dclose);
    return d;
  }

  void name_target(hid_t dataset, const std::string& target) {
    io::Hdf5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
    io::Hdf5Handle attr(H5Acreate2(dataset, "target", strings_.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    const char* text = target.c_str();
    if (!attr.ok() || H5Awrite(attr.get(), strings_.get(), &text) < 0)
      throw InputError(path_, "cannot write the attribute 'target' of '" + target + "'");
  }

  void append(hid_t dataset, hsize_t start, hsize_t n, hid_t type, const void* data) {
    const hsize_t size = start + n;
    if (H5Dset_extent(dataset, &size) < 0) throw InputError(path_, "cannot extend the HDF5 file (disk full?)");
    io::Hdf5Handle file_space(H5Dget_space(dataset), H5Sclose);
    io::Hdf5Handle memory(H5Screate_simple(1, &n, nullptr), H5Sclose);
    if (H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, nullptr, &n, nullptr) < 0 ||
        H5Dwrite(dataset, type, memory.get(), file_space.get(), H5P_DEFAULT, data) < 0)
      throw InputError(path_, "cannot write the HDF5 file (disk full?)");
  }

  std::string path_;
  io::Hdf5Handle file_, strings_;
  std::vector<io::Hdf5Handle> datasets_;  // declared after the file, so closed before it
  hid_t ids_ = -1, smiles_ = -1, error_ = -1;
  std::vector<hid_t> targets_;
  hsize_t rows_ = 0;
};

}  // namespace

std::string h5_target_dataset(const std::string& target) {
  std::string escaped;
  for (char c : target) escaped += c == '%' ? std::string("%25") : c == '/' ? std::string("%2F") : std::string(1, c);
  if (escaped.empty() || escaped == "." || escaped == "ids" || escaped == "smiles" || escaped == "error")
    return "%" + escaped;
  return escaped;
}

std::unique_ptr<PredictionWriter> open_prediction_h5(const std::string& path, const std::vector<std::string>& targets) {
  io::silence_hdf5();
  return std::make_unique<H5PredictionWriter>(path, targets);
}

}  // namespace tessera::molecule
