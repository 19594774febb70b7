#include "core/io/checkpoint.h"

#include <hdf5.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>
#include <nlohmann/json.hpp>

#include "core/cuda/runtime.h"
#include "core/io/atomic_file.h"
#include "core/io/hdf5_handle.h"
#include "core/util/error.h"

namespace tessera::io {
namespace {

constexpr const char* kFormat = "tessera-checkpoint";
constexpr int64_t kFormatVersion = 1;

void check(herr_t status, const std::string& path, const std::string& what) {
  if (status < 0) throw CheckpointError(path, what);
}

hid_t h5_type(DType t) {
  switch (t) {
    case DType::f32: return H5T_NATIVE_FLOAT;
    case DType::f64: return H5T_NATIVE_DOUBLE;
    case DType::bf16: return H5T_NATIVE_UINT16;
    case DType::i32: return H5T_NATIVE_INT32;
    case DType::i64: return H5T_NATIVE_INT64;
    case DType::u8: return H5T_NATIVE_UINT8;
  }
  return H5T_NATIVE_FLOAT;
}

uint32_t crc_of(const void* data, size_t bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  const Bytef* p = static_cast<const Bytef*>(data);
  while (bytes > 0) {  // zlib takes 32-bit lengths
    const uInt chunk = static_cast<uInt>(std::min<size_t>(bytes, 1u << 30));
    crc = crc32(crc, p, chunk);
    p += chunk;
    bytes -= chunk;
  }
  return static_cast<uint32_t>(crc);
}

// Strings are stored fixed-length, inside the (checksummed) object header: variable-length
// strings live in HDF5's global heap, which has no checksum, and HDF5 1.10 trusts a corrupted
// length there and copies past its buffer.
void write_string_attr(hid_t obj, const char* name, const std::string& value, const std::string& path) {
  Hdf5Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), std::max<size_t>(1, value.size()));
  H5Tset_strpad(type.get(), H5T_STR_NULLPAD);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  Hdf5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Hdf5Handle attr(H5Acreate2(obj, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  std::string padded = value;
  padded.resize(std::max<size_t>(1, value.size()), '\0');
  check(attr.ok() ? H5Awrite(attr.get(), type.get(), padded.data()) : -1, path, std::string("cannot write attribute ") + name);
}

template <class T>
void write_scalar_attr(hid_t obj, const char* name, hid_t type, T value, const std::string& path) {
  Hdf5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Hdf5Handle attr(H5Acreate2(obj, name, type, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  check(attr.ok() ? H5Awrite(attr.get(), type, &value) : -1, path, std::string("cannot write attribute ") + name);
}

bool has_attr(hid_t obj, const char* name) { return H5Aexists(obj, name) > 0; }

std::string read_string_attr(hid_t obj, const char* name, const std::string& path) {
  if (!has_attr(obj, name)) throw CheckpointError(path, std::string("missing attribute '") + name + "'");
  Hdf5Handle attr(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  Hdf5Handle stored(attr.ok() ? H5Aget_type(attr.get()) : -1, H5Tclose);
  if (!stored.ok() || H5Tget_class(stored.get()) != H5T_STRING)
    throw CheckpointError(path, std::string("attribute '") + name + "' is not a string");
  // Read in the character set the file declares: HDF5 will not convert UTF-8 to ASCII.
  Hdf5Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_cset(type.get(), H5Tget_cset(stored.get()));
  const std::string what = std::string("cannot read attribute ") + name + " (corrupted file)";
  if (H5Tis_variable_str(stored.get()) > 0) {  // files written by h5py
    H5Tset_size(type.get(), H5T_VARIABLE);
    char* s = nullptr;
    check(H5Aread(attr.get(), type.get(), &s), path, what);
    std::string out = s ? s : "";
    H5free_memory(s);
    return out;
  }
  const size_t size = H5Tget_size(stored.get());
  if (size == 0 || size > (size_t{1} << 30)) throw CheckpointError(path, what);
  H5Tset_size(type.get(), size);
  H5Tset_strpad(type.get(), H5T_STR_NULLPAD);
  std::string out(size, '\0');
  check(H5Aread(attr.get(), type.get(), out.data()), path, what);
  out.resize(std::strlen(out.c_str()));
  return out;
}

template <class T>
T read_scalar_attr(hid_t obj, const char* name, hid_t type, const std::string& path) {
  if (!has_attr(obj, name)) throw CheckpointError(path, std::string("missing attribute '") + name + "'");
  Hdf5Handle attr(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  T value{};
  check(attr.ok() ? H5Aread(attr.get(), type, &value) : -1, path, std::string("cannot read attribute ") + name);
  return value;
}

// Opens a checkpoint for reading, turning every way it can be unreadable into one clear message.
// ": No space left on device" and the like when the last system call failed; HDF5's own
// messages are silenced.
std::string system_reason() { return errno != 0 ? std::string(": ") + std::strerror(errno) : std::string(); }

hid_t open_checkpoint(const std::string& path) {
  silence_hdf5();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw CheckpointError(path, "no such file");
  if (std::filesystem::is_directory(path, ec)) throw CheckpointError(path, "is a directory, not a checkpoint file");
  // HDF5 would wait forever on a FIFO and read a device without end.
  if (!std::filesystem::is_regular_file(path, ec))
    throw CheckpointError(path, "is a device, FIFO or socket, not a checkpoint file");
  if (H5Fis_hdf5(path.c_str()) <= 0) throw CheckpointError(path, "not an HDF5 checkpoint (truncated, corrupted or another format)");
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) throw CheckpointError(path, "cannot open HDF5 file (truncated or corrupted)");
  return file;
}

nlohmann::json rng_to_json(const std::map<std::string, Generator>& rng) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, g] : rng) j[name] = {g.seed(), g.counter()};
  return j;
}

CheckpointMeta read_meta(hid_t file, const std::string& path) {
  if (!has_attr(file, "format") || read_string_attr(file, "format", path) != kFormat)
    throw CheckpointError(path, "not a Tessera checkpoint (no 'format' attribute)");
  const auto version = read_scalar_attr<int64_t>(file, "format_version", H5T_NATIVE_INT64, path);
  if (version != kFormatVersion)
    throw CheckpointError(path, "checkpoint format version " + std::to_string(version) + ", this build reads " +
                                    std::to_string(kFormatVersion));
  CheckpointMeta meta;
  meta.architecture = read_string_attr(file, "architecture", path);
  meta.config = read_string_attr(file, "config", path);
  meta.step = read_scalar_attr<int64_t>(file, "step", H5T_NATIVE_INT64, path);
  try {
    const nlohmann::json rng = nlohmann::json::parse(read_string_attr(file, "rng_state", path));
    for (auto& [name, v] : rng.items())
      meta.rng.emplace(name, Generator(v.at(0).get<uint64_t>(), v.at(1).get<uint64_t>()));
  } catch (const nlohmann::json::exception&) {
    throw CheckpointError(path, "unreadable 'rng_state' attribute");
  }
  if (has_attr(file, "attributes")) {
    try {
      const nlohmann::json attrs = nlohmann::json::parse(read_string_attr(file, "attributes", path));
      for (auto& [name, v] : attrs.items()) meta.attributes.emplace(name, v.get<std::string>());
    } catch (const nlohmann::json::exception&) {
      throw CheckpointError(path, "unreadable 'attributes' attribute");
    }
  }
  return meta;
}

struct Listing {
  std::vector<StoredTensor> tensors;
  std::string path;
  std::string problem;  // why the listing stopped, when the file is at fault
};

// The bytes a dataset of `dims` elements of `dtype` needs, or nothing when that overflows.
std::optional<uint64_t> bytes_claimed(const std::vector<hsize_t>& dims, DType dtype) {
  uint64_t bytes = dtype_size(dtype);
  for (hsize_t d : dims) {
    if (d != 0 && bytes > std::numeric_limits<uint64_t>::max() / d) return std::nullopt;
    bytes *= d;
  }
  return bytes;
}

herr_t visit_link(hid_t group, const char* name, const H5L_info_t*, void* data) {
  auto* listing = static_cast<Listing*>(data);
  Hdf5Handle obj(H5Oopen(group, name, H5P_DEFAULT), H5Oclose);
  if (!obj.ok() || H5Iget_type(obj.get()) != H5I_DATASET) return 0;
  Hdf5Handle space(H5Dget_space(obj.get()), H5Sclose);
  const int nd = H5Sget_simple_extent_ndims(space.get());
  if (nd < 0) return -1;
  std::vector<hsize_t> dims(nd);
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  StoredTensor t{name, Shape(dims.begin(), dims.end()), DType::f32};
  try {
    t.dtype = dtype_from_name(read_string_attr(obj.get(), "dtype", listing->path));
  } catch (const Error&) {
    return -1;
  }
  // Checkpoints are written contiguous and uncompressed: a dataset whose elements the file does
  // not hold (a crafted shape, a truncated file) is refused before anyone allocates its size.
  const std::optional<uint64_t> claimed = bytes_claimed(dims, t.dtype);
  const uint64_t stored = H5Dget_storage_size(obj.get());
  if (!claimed || *claimed > stored) {
    listing->problem = "tensor '" + std::string(name) + "' claims shape " + shape_str(t.shape) + " but the file holds " +
                       std::to_string(stored) + " bytes of it (crafted or truncated file)";
    return -1;
  }
  listing->tensors.push_back(std::move(t));
  return 0;
}

std::vector<StoredTensor> list_tensors(hid_t file, const std::string& path) {
  Listing listing{{}, path, {}};
  const herr_t visited = H5Lvisit(file, H5_INDEX_NAME, H5_ITER_INC, visit_link, &listing);
  if (!listing.problem.empty()) throw CheckpointError(path, listing.problem);
  check(visited, path, "cannot list the tensors (truncated or corrupted file)");
  return listing.tensors;
}

}  // namespace

void save_checkpoint(const std::string& path, const nn::NamedTensors& tensors, const CheckpointMeta& meta) {
  silence_hdf5();
  write_atomically(path, [&](const std::string& tmp) {
    // HDF5 1.8+ object headers carry checksums, so corrupted metadata is detected, not trusted.
    Hdf5Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_LATEST);
    // The file is built in memory (grown 1 MiB at a time; the driver writes whole increments)
    // and written out at the flush below: a full disk fails that write, not a metadata update
    // HDF5's exit handler would retry and crash on.
    H5Pset_fapl_core(fapl.get(), size_t{1} << 20, /*backing_store=*/1);
    errno = 0;
    Hdf5Handle file(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()), H5Fclose);
    if (!file.ok()) throw CheckpointError(path, "cannot create file" + system_reason());
    write_string_attr(file.get(), "format", kFormat, path);
    write_scalar_attr<int64_t>(file.get(), "format_version", H5T_NATIVE_INT64, kFormatVersion, path);
    write_string_attr(file.get(), "architecture", meta.architecture, path);
    write_string_attr(file.get(), "config", meta.config, path);
    write_scalar_attr<int64_t>(file.get(), "step", H5T_NATIVE_INT64, meta.step, path);
    write_string_attr(file.get(), "rng_state", rng_to_json(meta.rng).dump(), path);
    write_string_attr(file.get(), "attributes", nlohmann::json(meta.attributes).dump(), path);
    Hdf5Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
    H5Pset_create_intermediate_group(lcpl.get(), 1);
    for (const auto& [name, t] : tensors) {
      // Checkpoints hold host tensors whatever device the run used.
      Tensor c = !t.device().is_cpu() ? t.to(Device::cpu()) : t.is_contiguous() ? t : t.contiguous_copy();
      std::vector<hsize_t> dims(c.shape().begin(), c.shape().end());
      Hdf5Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
      Hdf5Handle ds(H5Dcreate2(file.get(), name.c_str(), h5_type(c.dtype()), space.get(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT),
                H5Dclose);
      if (!ds.ok()) throw CheckpointError(path, "cannot create dataset '" + name + "'");
      check(H5Dwrite(ds.get(), h5_type(c.dtype()), H5S_ALL, H5S_ALL, H5P_DEFAULT, c.raw_data()), path,
            "cannot write dataset '" + name + "'");
      write_string_attr(ds.get(), "dtype", dtype_name(c.dtype()), path);
      write_scalar_attr<uint32_t>(ds.get(), "crc32", H5T_NATIVE_UINT32, crc_of(c.raw_data(), c.nbytes()), path);
    }
    errno = 0;
    if (H5Fflush(file.get(), H5F_SCOPE_GLOBAL) < 0) throw CheckpointError(path, "cannot write file" + system_reason());
  });
}

CheckpointMeta read_checkpoint_meta(const std::string& path) {
  Hdf5Handle file(open_checkpoint(path), H5Fclose);
  return read_meta(file.get(), path);
}

std::vector<StoredTensor> list_checkpoint_tensors(const std::string& path) {
  Hdf5Handle file(open_checkpoint(path), H5Fclose);
  read_meta(file.get(), path);
  return list_tensors(file.get(), path);
}

namespace {

// load_checkpoint, or with `whole_file` false load_tensors.
CheckpointMeta load_named(const std::string& path, const nn::NamedTensors& tensors,
                          const std::vector<std::string>& skip_prefixes, bool whole_file) {
  Hdf5Handle file(open_checkpoint(path), H5Fclose);
  CheckpointMeta meta = read_meta(file.get(), path);
  std::map<std::string, StoredTensor> stored;
  auto skipped = [&](const std::string& name) {
    for (const std::string& prefix : skip_prefixes)
      if (name.rfind(prefix, 0) == 0) return true;
    return false;
  };
  for (auto& t : list_tensors(file.get(), path))
    if (!skipped(t.name)) stored.emplace(t.name, t);

  // Say everything that does not match at once, but keep the line readable.
  std::vector<std::string> problems;
  for (const auto& [name, t] : tensors) {
    auto it = stored.find(name);
    if (it == stored.end()) {
      problems.push_back("missing tensor '" + name + "'");
      continue;
    }
    if (it->second.shape != t.shape() || it->second.dtype != t.dtype())
      problems.push_back("'" + name + "' is " + shape_str(it->second.shape) + " " + dtype_name(it->second.dtype) +
                         " in the file but " + shape_str(t.shape()) + " " + dtype_name(t.dtype()) + " in the model");
    stored.erase(it);
  }
  if (whole_file)
    for (const auto& [name, t] : stored) problems.push_back("unexpected tensor '" + name + "'");
  if (!problems.empty()) {
    std::string msg = "does not match this model (architecture '" + meta.architecture + "'): " + problems[0];
    for (size_t i = 1; i < std::min<size_t>(problems.size(), 3); ++i) msg += "; " + problems[i];
    if (problems.size() > 3) msg += "; and " + std::to_string(problems.size() - 3) + " more";
    throw CheckpointError(path, msg);
  }

  // Read into fresh buffers and verify them all before touching the model, so a bad file
  // leaves the model as it was.
  std::vector<Tensor> loaded;
  for (const auto& [name, t] : tensors) {
    Tensor buf = Tensor::empty(t.shape(), t.dtype());
    Hdf5Handle ds(H5Dopen2(file.get(), name.c_str(), H5P_DEFAULT), H5Dclose);
    if (!ds.ok() || H5Dread(ds.get(), h5_type(t.dtype()), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.raw_data()) < 0)
      throw CheckpointError(path, "cannot read tensor '" + name + "' (truncated or corrupted file)");
    const auto expected = read_scalar_attr<uint32_t>(ds.get(), "crc32", H5T_NATIVE_UINT32, path);
    if (crc_of(buf.raw_data(), buf.nbytes()) != expected)
      throw CheckpointError(path, "checksum mismatch in tensor '" + name + "' (corrupted file)");
    loaded.push_back(buf);
  }
  for (size_t i = 0; i < tensors.size(); ++i) {
    Tensor target(tensors[i].second);
    if (target.device().is_cpu())
      target.copy_(loaded[i]);
    else  // parameters and moments on a device are contiguous: one transfer each
      cuda::copy_bytes(target.raw_data(), target.device(), loaded[i].raw_data(), Device::cpu(), loaded[i].nbytes());
  }
  return meta;
}

}  // namespace

CheckpointMeta load_checkpoint(const std::string& path, const nn::NamedTensors& tensors,
                               const std::vector<std::string>& skip_prefixes) {
  return load_named(path, tensors, skip_prefixes, true);
}

void load_tensors(const std::string& path, const nn::NamedTensors& tensors) { load_named(path, tensors, {}, false); }

std::string checkpoint_checksum(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw CheckpointError(path, "cannot read" + system_reason());
  uLong crc = crc32(0L, Z_NULL, 0);
  std::vector<unsigned char> buffer(size_t{1} << 20);
  size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), f)) > 0) crc = crc32(crc, buffer.data(), static_cast<uInt>(n));
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) throw CheckpointError(path, "cannot read (I/O error)");
  char text[16];
  std::snprintf(text, sizeof text, "%08lx", static_cast<unsigned long>(crc));
  return std::string("crc32:") + text;
}

}  // namespace tessera::io
