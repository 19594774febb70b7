// An SDF file: its records through RDKit, their id and property fields, and each molecule
// featurized.
#include "tests/fuzz/fuzz_harness.h"
#include "tests/fuzz/molecule_records.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = tessera::fuzz::input_file(data, size, ".sdf");
  tessera::fuzz::expect_input_error([&] { tessera::fuzz::read_molecules(path, tessera::fuzz::fuzz_layout()); });
  return 0;
}

namespace tessera::fuzz {

// Ethanol and acetic acid as V2000 records with property fields, one property missing, one
// not a number.
std::vector<std::string> seeds() {
  const std::string ethanol =
      "ethanol\n  fuzz seed\n\n  3  2  0  0  0  0  0  0  0  0999 V2000\n"
      "    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
      "    1.5000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
      "    2.2000    1.2000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0\n"
      "  1  2  1  0\n  2  3  1  0\nM  END\n> <id>\nmol-1\n\n> <logS>\n1.10\n\n> <pIC50>\n4.5\n\n$$$$\n";
  const std::string acid =
      "acetic acid\n  fuzz seed\n\n  4  3  0  0  0  0  0  0  0  0999 V2000\n"
      "    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
      "    1.5000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
      "    2.2000    1.2000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0\n"
      "    2.2000   -1.2000    0.0000 O   0  5  0  0  0  0  0  0  0  0  0  0\n"
      "  1  2  1  0\n  2  3  2  0\n  2  4  1  0\nM  CHG  1   4  -1\nM  END\n> <id>\nmol-2\n\n> <logS>\nNA\n\n"
      "> <pIC50>\nhigh\n\n$$$$\n";
  return {ethanol + acid, acid};
}

}  // namespace tessera::fuzz
