#pragma once
// `tessera bench gpt`: the GPT-2-style byte model of shared/reference/torch_ref.py, trained and
// timed with exactly its conventions, printing one JSON line with the same field names.
#include <cstdint>
#include <string>

namespace tessera::bench {

struct GptBenchOptions {
  std::string config = "tiny";  // tiny | small | gpt2-124m
  std::string device = "cpu";   // cpu | cuda | cuda:N
  std::string precision = "fp32";  // fp32 | tf32 (CUDA only) | bf16
  int threads = 2;
  uint64_t seed = 0;
  int warmup = 3;
  int train_steps = 23;  // including warm-up
  int infer_steps = 20;  // timed forward passes after warm-up
  std::string data = "/usr/share/common-licenses";
  // Peak GFLOP/s that MFU is relative to; 0: 206 on the CPU (2-thread OpenBLAS SGEMM measured on
  // the reference machine), the device's dense peak for the precision on CUDA.
  double peak_gflops = 0;
  int val_batches = 8;
  int log_every = 0;
  std::string resume;      // checkpoint to continue from
  std::string save;        // checkpoint written after the training steps
};

// Runs the benchmark and returns its JSON line.
std::string run_gpt_benchmark(const GptBenchOptions& options);

}  // namespace tessera::bench
