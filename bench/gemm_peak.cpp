// The CPU's GEMM peaks that `bench gpt` and bench/torch_ref.py take MFU relative to, measured the
// way ../shared/reference/sgemm.c measures OpenBLAS: C = A B, N x N row-major, best of REPS, 2 N^3
// FLOPs per call; here through cpu::gemm in fp32 and in bf16 (operands rounded at each call, as
// training does). One JSON line per size and precision.
//   build/bench/gemm_peak [REPS] [THREADS] [SIZES...]   (default: 10 2 256 512 1024 2048)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "core/ops/cpu/bf16_gemm.h"
#include "core/ops/cpu/gemm.h"
#include "core/ops/matmul_precision.h"
#include "core/util/rng.h"

int main(int argc, char** argv) {
  using namespace tessera;
  const int reps = argc > 1 ? std::atoi(argv[1]) : 10;
  cpu::set_num_threads(argc > 2 ? std::atoi(argv[2]) : 2);
  std::vector<int64_t> sizes;
  for (int i = 3; i < argc; ++i) sizes.push_back(std::atoll(argv[i]));
  if (sizes.empty()) sizes = {256, 512, 1024, 2048};
  Generator rng(7);
  for (const int64_t n : sizes) {
    std::vector<float> a(static_cast<size_t>(n * n)), b(a.size()), c(a.size());
    for (float& x : a) x = static_cast<float>(rng.uniform() - 0.5);
    for (float& x : b) x = static_cast<float>(rng.uniform() - 0.5);
    for (const bool bf16 : {false, true}) {
      if (bf16 && !cpu::bf16_gemm_available()) continue;
      ops::set_cpu_bf16_matmul(bf16);
      double best = 1e30;
      for (int r = 0; r < reps + 1; ++r) {  // the first call makes the kernels: untimed
        const auto t0 = std::chrono::steady_clock::now();
        cpu::gemm(false, false, n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f, c.data(), n);
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (r > 0) best = std::min(best, s);
      }
      std::printf("{\"precision\":\"%s\",\"n\":%lld,\"best_gflops\":%.1f}\n", bf16 ? "bf16" : "fp32",
                  static_cast<long long>(n), 2.0 * double(n) * double(n) * double(n) / best / 1e9);
    }
  }
  ops::set_cpu_bf16_matmul(false);
}
