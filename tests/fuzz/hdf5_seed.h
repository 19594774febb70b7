#pragma once
// Writes HDF5 string and number datasets for the seeds of the harnesses that read HDF5 inputs
// (protein sequences, molecule tables).
#include <string>
#include <vector>

namespace tessera::fuzz {

struct Hdf5Dataset {
  std::string name;
  std::vector<std::string> strings;  // a string dataset when numbers is empty
  std::vector<double> numbers;
  bool fixed_length = false;  // strings stored fixed-length (null-padded) instead of variable-length
};

// The file's bytes.
std::string hdf5_file(const std::string& scratch_name, const std::vector<Hdf5Dataset>& datasets);

}  // namespace tessera::fuzz
