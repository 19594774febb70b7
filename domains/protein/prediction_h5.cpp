#include "domains/protein/prediction_h5.h"

#include <hdf5.h>

#include <algorithm>

#include "core/io/hdf5_handle.h"
#include "core/util/error.h"
#include "domains/protein/distogram_bins.h"

namespace tessera::protein {
namespace {

std::vector<std::string> read_strings(hid_t file, const char* name, const std::string& path) {
  if (H5Lexists(file, name, H5P_DEFAULT) <= 0) throw InputError(path, std::string("has no '") + name + "' dataset");
  io::Hdf5Handle ds(H5Dopen2(file, name, H5P_DEFAULT), H5Dclose);
  io::Hdf5Handle type(ds.ok() ? H5Dget_type(ds.get()) : -1, H5Tclose);
  if (!type.ok() || H5Tget_class(type.get()) != H5T_STRING)
    throw InputError(path, std::string("dataset '") + name + "' does not hold strings");
  io::Hdf5Handle space(H5Dget_space(ds.get()), H5Sclose);
  if (H5Sget_simple_extent_ndims(space.get()) != 1)
    throw InputError(path, std::string("dataset '") + name + "' must be one-dimensional");
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space.get(), &n, nullptr);
  if (!io::extent_fits_file(ds.get(), n))
    throw InputError(path, std::string("dataset '") + name + "' declares " + std::to_string(n) +
                               " strings, more than the file can hold (truncated or corrupt file)");
  std::vector<std::string> out(n);
  io::Hdf5Handle memory(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_cset(memory.get(), H5Tget_cset(type.get()));
  const std::string unreadable = std::string("cannot read dataset '") + name + "' (truncated or corrupt file)";
  if (H5Tis_variable_str(type.get()) > 0) {  // as h5py writes str
    H5Tset_size(memory.get(), H5T_VARIABLE);
    std::vector<char*> raw(n, nullptr);
    if (n > 0 && H5Dread(ds.get(), memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) < 0)
      throw InputError(path, unreadable);
    for (hsize_t i = 0; i < n; ++i) out[i] = raw[i] ? raw[i] : "";
    if (n > 0) H5Dvlen_reclaim(memory.get(), space.get(), H5P_DEFAULT, raw.data());
  } else {
    const size_t width = H5Tget_size(type.get());
    H5Tset_size(memory.get(), width);
    H5Tset_strpad(memory.get(), H5T_STR_NULLPAD);
    std::vector<char> raw(n * width + 1, '\0');
    if (n > 0 && H5Dread(ds.get(), memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) < 0)
      throw InputError(path, unreadable);
    for (hsize_t i = 0; i < n; ++i) {
      const char* s = raw.data() + i * width;
      size_t len = 0;
      while (len < width && s[len] != '\0') ++len;
      out[i].assign(s, len);
    }
  }
  return out;
}

// Pair maps grow with the square of the chain (a 1,000-residue distogram is 256 MB raw) and are
// mostly near-zero probabilities: large datasets are chunked and compressed (byte shuffle + zlib),
// which every HDF5 reader (h5py, HDFView, MATLAB) decompresses transparently.
io::Hdf5Handle compressed_layout(const std::vector<hsize_t>& dims) {
  io::Hdf5Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  hsize_t elements = 1;
  for (hsize_t d : dims) elements *= d;
  constexpr hsize_t kSmallest = 4096, kChunkSide = 64;
  if (elements < kSmallest || H5Zfilter_avail(H5Z_FILTER_DEFLATE) <= 0) return plist;
  std::vector<hsize_t> chunk;
  for (hsize_t d : dims) chunk.push_back(std::max<hsize_t>(1, std::min(d, kChunkSide)));
  if (H5Pset_chunk(plist.get(), static_cast<int>(chunk.size()), chunk.data()) < 0 || H5Pset_shuffle(plist.get()) < 0 ||
      H5Pset_deflate(plist.get(), 4) < 0)
    return io::Hdf5Handle(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  return plist;
}

void write_floats(hid_t file, const char* name, const std::vector<hsize_t>& dims, const float* data,
                  const std::string& path) {
  io::Hdf5Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  const io::Hdf5Handle layout = compressed_layout(dims);
  io::Hdf5Handle ds(H5Dcreate2(file, name, H5T_IEEE_F32LE, space.get(), H5P_DEFAULT, layout.get(), H5P_DEFAULT), H5Dclose);
  if (!ds.ok() || H5Dwrite(ds.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
    throw InputError(path, std::string("cannot write dataset ") + name);
}

}  // namespace

std::vector<NamedSequence> read_sequence_h5(const std::string& path) {
  io::silence_hdf5();
  if (H5Fis_hdf5(path.c_str()) <= 0) throw InputError(path, "not an HDF5 file (truncated, corrupt or another format)");
  io::Hdf5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.ok()) throw InputError(path, "cannot open the HDF5 file (truncated or corrupt)");
  const std::vector<std::string> sequences = read_strings(file.get(), "sequences", path);
  const std::vector<std::string> ids = read_strings(file.get(), "ids", path);
  if (ids.size() != sequences.size())
    throw InputError(path, "'ids' holds " + std::to_string(ids.size()) + " entries but 'sequences' " +
                               std::to_string(sequences.size()));
  std::vector<NamedSequence> out;
  for (size_t i = 0; i < ids.size(); ++i) out.push_back({ids[i], sequences[i]});
  return out;
}

void write_prediction_h5(const std::string& path, const ChainPrediction& p) {
  io::silence_hdf5();
  io::Hdf5Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  if (!file.ok()) throw InputError(path, "cannot create the HDF5 file");
  const auto L = static_cast<hsize_t>(p.length);
  {
    io::Hdf5Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(type.get(), std::max<size_t>(1, p.sequence.size()));
    io::Hdf5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
    io::Hdf5Handle ds(H5Dcreate2(file.get(), "sequence", type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
    std::string padded = p.sequence;
    padded.resize(std::max<size_t>(1, p.sequence.size()), '\0');
    if (!ds.ok() || H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, padded.data()) < 0)
      throw InputError(path, "cannot write dataset sequence");
  }
  std::vector<float> edges(kDistogramBins - 1), ca(3 * p.length);
  for (size_t k = 0; k < edges.size(); ++k) edges[k] = static_cast<float>(kFirstEdge + static_cast<double>(k) * kBinWidth);
  for (int64_t i = 0; i < p.length; ++i)
    for (int c = 0; c < 3; ++c) ca[3 * i + c] = static_cast<float>(p.ca[i][c]);
  const auto B = static_cast<hsize_t>(kDistogramBins);
  write_floats(file.get(), "distogram", {L, L, B}, p.distogram.data(), path);
  write_floats(file.get(), "distogram_bin_edges", {B - 1}, edges.data(), path);
  write_floats(file.get(), "contact_probabilities", {L, L}, p.contacts.data(), path);
  write_floats(file.get(), "expected_distances", {L, L}, p.expected_distance.data(), path);
  write_floats(file.get(), "plddt", {L}, p.plddt.data(), path);
  write_floats(file.get(), "ca_coordinates", {L, 3}, ca.data(), path);
  if (H5Fflush(file.get(), H5F_SCOPE_GLOBAL) < 0) throw InputError(path, "cannot write the HDF5 file (disk full?)");
}

}  // namespace tessera::protein
