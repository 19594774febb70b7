#pragma once
// `tessera bench attention`: times ops::attention forward, backward and both (self-attention,
// bf16 on CUDA, f32 on the CPU) and prints one JSON line per shape with the TFLOP/s reached.
#include <cstdint>
#include <string>
#include <vector>

namespace tessera::bench {

struct AttentionShape {
  int64_t batch, heads, seq, head_dim;
};

struct AttentionBenchOptions {
  std::string device = "cuda";
  std::string dtype;  // f32 | bf16; empty: bf16 on CUDA, f32 on the CPU
  // Empty: the GPT-2 shape (8 x 12 heads, T 1024, Dh 64) and a long one (2 x 16 heads, T 4096, Dh 128).
  std::vector<AttentionShape> shapes;
  bool causal = false;
  int warmup = 3;
  int iters = 10;
  int threads = 2;             // CPU threads (OpenMP and BLAS)
  double peak_tflops = 989.0;  // dense bf16 peak of an H100/H200 SXM, what fraction_of_peak is relative to
};

// Runs the benchmark and returns one JSON line per shape.
std::vector<std::string> run_attention_benchmark(const AttentionBenchOptions& options);

}  // namespace tessera::bench
