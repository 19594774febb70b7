// PDB text read into protein chains (the first model's protein chains, through gemmi).
#include "domains/protein/structure_reader.h"
#include "tests/fuzz/fuzz_harness.h"
#include "tests/fuzz/structure_seeds.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = tessera::fuzz::input_file(data, size, ".pdb");
  tessera::fuzz::expect_input_error([&] { tessera::protein::read_structure(path); });
  return 0;
}

namespace tessera::fuzz {

std::vector<std::string> seeds() { return {tripeptide_pdb()}; }

}  // namespace tessera::fuzz
