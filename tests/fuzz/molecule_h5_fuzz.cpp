// A molecule table in HDF5: a SMILES string dataset, an id dataset and one number dataset per target.
#include "tests/fuzz/fuzz_harness.h"
#include "tests/fuzz/hdf5_seed.h"
#include "tests/fuzz/molecule_records.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = tessera::fuzz::input_file(data, size, ".h5");
  tessera::fuzz::expect_input_error([&] { tessera::fuzz::read_molecules(path, tessera::fuzz::fuzz_layout()); });
  return 0;
}

namespace tessera::fuzz {

std::vector<std::string> seeds() {
  const std::vector<std::string> smiles = {"CCO", "c1ccccc1", "C(", "[Na+].[Cl-]"}, ids = {"a", "b", "c", "d"};
  return {
      hdf5_file("seed-variable.h5", {{"smiles", smiles, {}, false}, {"id", ids, {}, false},
                                     {"logS", {}, {1.1, -0.5, 2, 0}, false}, {"pIC50", {}, {4.5, 5, 6, 7}, false}}),
      hdf5_file("seed-fixed.h5", {{"smiles", smiles, {}, true}, {"logS", {}, {1, 2, 3, 4}, false},
                                  {"pIC50", {}, {1, 2, 3, 4}, false}}),
  };
}

}  // namespace tessera::fuzz
