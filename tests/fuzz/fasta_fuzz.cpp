// A FASTA file of sequences to predict: its records, and the prediction inputs made of them.
#include "domains/protein/prediction_inputs.h"
#include "tests/fuzz/fuzz_harness.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = tessera::fuzz::input_file(data, size, ".fasta");
  tessera::fuzz::expect_input_error([&] { tessera::protein::read_fasta(path); });
  tessera::fuzz::expect_input_error([&] { tessera::protein::read_prediction_inputs(path); });
  return 0;
}

namespace tessera::fuzz {

std::vector<std::string> seeds() {
  return {
      ">sp|P69905|HBA_HUMAN Hemoglobin alpha\nMVLSPADKTNVKAAWGKVGAHAGEYGAEALERMFLSFPTTKTYFPHF\nDLSHGSAQVKGHGKKVADALTNAVAHV\n"
      ">short\nMKV\n>lower case and a stop\nmkvlLAGWWWYYY*\n",
      ">crlf\r\nACDEFGHIKLMNPQRSTVWYX\r\n\r\n>second\r\nGGGGGGGGGGGG\r\n",
  };
}

}  // namespace tessera::fuzz
