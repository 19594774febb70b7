#include "tests/fuzz/hdf5_seed.h"

#include <hdf5.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "tests/fuzz/fuzz_harness.h"

namespace tessera::fuzz {
namespace {

void h5(herr_t status, const std::string& what) {
  if (status < 0) {
    std::fprintf(stderr, "seed: cannot write %s\n", what.c_str());
    std::abort();
  }
}

void write(hid_t file, const Hdf5Dataset& d) {
  const hsize_t n = d.numbers.empty() ? d.strings.size() : d.numbers.size();
  const hid_t space = H5Screate_simple(1, &n, nullptr);
  hid_t type = H5T_NATIVE_DOUBLE;
  std::vector<const char*> pointers;
  std::string padded;
  const void* buffer = d.numbers.data();
  if (d.numbers.empty()) {
    type = H5Tcopy(H5T_C_S1);
    H5Tset_cset(type, H5T_CSET_UTF8);
    if (d.fixed_length) {
      size_t width = 1;
      for (const std::string& s : d.strings) width = std::max(width, s.size());
      H5Tset_size(type, width);
      H5Tset_strpad(type, H5T_STR_NULLPAD);
      for (const std::string& s : d.strings) padded += s + std::string(width - s.size(), '\0');
      buffer = padded.data();
    } else {
      H5Tset_size(type, H5T_VARIABLE);
      for (const std::string& s : d.strings) pointers.push_back(s.c_str());
      buffer = pointers.data();
    }
  }
  const hid_t set = H5Dcreate2(file, d.name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  h5(set, d.name);
  h5(H5Dwrite(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer), d.name);
  H5Dclose(set);
  if (d.numbers.empty()) H5Tclose(type);
  H5Sclose(space);
}

}  // namespace

std::string hdf5_file(const std::string& scratch_name, const std::vector<Hdf5Dataset>& datasets) {
  const std::string path = scratch_path(scratch_name);
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  h5(file, path);
  for (const Hdf5Dataset& d : datasets) write(file, d);
  H5Fclose(file);
  return file_bytes(path);
}

}  // namespace tessera::fuzz
