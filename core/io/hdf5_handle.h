#pragma once
// The HDF5 pieces every reader and writer of .h5 files shares (checkpoints, prediction files,
// molecule tables). Include only where HDF5's headers are on the include path.
#include <hdf5.h>

namespace tessera::io {

// Owns one HDF5 identifier and closes it with the function that matches its kind.
class Hdf5Handle {
 public:
  Hdf5Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Hdf5Handle() {
    if (id_ >= 0) close_(id_);
  }
  Hdf5Handle(Hdf5Handle&& other) noexcept : id_(other.id_), close_(other.close_) { other.id_ = -1; }
  Hdf5Handle(const Hdf5Handle&) = delete;
  Hdf5Handle& operator=(const Hdf5Handle&) = delete;
  Hdf5Handle& operator=(Hdf5Handle&&) = delete;
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

// Whether a dataset's declared extent could be what its file holds: at most 64 times the file's
// size (room for compressed chunks), at least one byte an element. A corrupt extent (2^45 strings
// in a file of a few hundred bytes) would otherwise be allocated in full before HDF5 reads a byte.
inline bool extent_fits_file(hid_t dataset, hsize_t elements) {
  Hdf5Handle file(H5Iget_file_id(dataset), H5Fclose);
  Hdf5Handle type(H5Dget_type(dataset), H5Tclose);
  hsize_t file_bytes = 0;
  if (!file.ok() || !type.ok() || H5Fget_filesize(file.get(), &file_bytes) < 0) return false;
  const size_t type_bytes = H5Tget_size(type.get());
  const hsize_t element_bytes = type_bytes > 0 ? type_bytes : 1;
  return elements <= (64 * file_bytes + (hsize_t{1} << 20)) / element_bytes;
}

// HDF5 prints its error stack to stderr by default; our errors are one line of our own.
inline void silence_hdf5() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

}  // namespace tessera::io
