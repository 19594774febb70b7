// An HDF5 file of sequences to predict (`sequences` and `ids` string datasets).
#include "domains/protein/prediction_h5.h"
#include "domains/protein/prediction_inputs.h"
#include "tests/fuzz/fuzz_harness.h"
#include "tests/fuzz/hdf5_seed.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = tessera::fuzz::input_file(data, size, ".h5");
  tessera::fuzz::expect_input_error([&] { tessera::protein::read_sequence_h5(path); });
  tessera::fuzz::expect_input_error([&] { tessera::protein::read_prediction_inputs(path); });
  return 0;
}

namespace tessera::fuzz {

std::vector<std::string> seeds() {
  const std::vector<std::string> ids = {"alpha", "beta"}, sequences = {"MVLSPADKTNVKAAW", "MVHLTPEEKSAVTAL"};
  return {
      hdf5_file("seed-variable.h5", {{"sequences", sequences, {}, false}, {"ids", ids, {}, false}}),
      hdf5_file("seed-fixed.h5", {{"sequences", sequences, {}, true}, {"ids", ids, {}, true}}),
  };
}

}  // namespace tessera::fuzz
