#pragma once
// `tessera bench gpt`: the GPT-2-style byte model of shared/reference/torch_ref.py, trained and
// timed with exactly its conventions, printing one JSON line with the same field names.
#include <cstdint>
#include <string>

namespace tessera::bench {

struct GptBenchOptions {
  std::string config = "tiny";  // tiny | small
  int threads = 2;
  uint64_t seed = 0;
  int warmup = 3;
  int train_steps = 23;  // including warm-up
  int infer_steps = 20;  // timed forward passes after warm-up
  std::string data = "/usr/share/common-licenses";
  double peak_gflops = 206.0;  // measured 2-thread OpenBLAS SGEMM on the reference machine
  int val_batches = 8;
  int log_every = 0;
  std::string resume;      // checkpoint to continue from
  std::string save;        // checkpoint written after the training steps
};

// Runs the benchmark and returns its JSON line.
std::string run_gpt_benchmark(const GptBenchOptions& options);

}  // namespace tessera::bench
