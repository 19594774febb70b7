#pragma once
// Host-side plan of the fused bf16 attention's tensor-core kernels (core/ops/cuda/flash_attention.cu):
// their tile sizes, the dynamic shared memory each kernel asks for, and whether a device can give
// it. Plain C++ so that the choice is tested on machines without a GPU.
#include <cstddef>

namespace tessera::cuda::attention_plan {

constexpr int kWarpSize = 32;
constexpr int kWarps = 4;                       // per block, in every attention kernel
constexpr int kMma = 16;                        // WMMA tile: 16 x 16 x 16
constexpr int kTcRows = kMma;                   // rows per warp
constexpr int kTcBlockRows = kWarps * kTcRows;  // rows per block
constexpr int kTcKeys = 64;                     // keys per tile in the forward and dQ kernels
constexpr int kTcQueries = 32;                  // queries per tile in the dK/dV kernel
constexpr size_t kBf16Bytes = 2;

// Leading dimensions (in elements) of shared tiles: padded to stagger the banks, multiples of 8
// bf16 or 4 fp32 elements as WMMA requires; with 16-row tiles every tile pointer stays 32-byte
// aligned.
constexpr int ld_bf16(int cols) { return cols + 8; }
constexpr int ld_f32(int cols) { return cols + 4; }
constexpr size_t bf16_tile(int rows, int cols) { return size_t(rows) * ld_bf16(cols) * kBf16Bytes; }
constexpr size_t f32_tile(int rows, int cols) { return size_t(rows) * ld_f32(cols) * sizeof(float); }

// Dynamic shared memory of each kernel at head dim kD; the kernels take the same pieces in the
// same order.
constexpr size_t forward_bytes(int kD) {
  return 3 * bf16_tile(kTcBlockRows, kD)              // q, k, v
         + kWarps * (f32_tile(kTcRows, kTcKeys)       // scores
                     + bf16_tile(kTcRows, kTcKeys)    // probabilities
                     + f32_tile(kTcRows, kD));        // output
}
constexpr size_t grad_q_bytes(int kD) {
  return 4 * bf16_tile(kTcBlockRows, kD)              // q, dO, k, v
         + kWarps * (2 * f32_tile(kTcRows, kTcKeys)   // S, dP
                     + bf16_tile(kTcRows, kTcKeys)    // dS
                     + f32_tile(kTcRows, kD));        // dQ
}
constexpr size_t grad_kv_bytes(int kD) {
  return 2 * bf16_tile(kTcBlockRows, kD)                // k, v
         + 2 * bf16_tile(kTcQueries, kD)                // q, dO
         + kWarps * (2 * f32_tile(kTcRows, kTcQueries)  // S^T, dP^T
                     + 2 * bf16_tile(kTcRows, kTcQueries)  // P^T, dS^T
                     + 2 * f32_tile(kTcRows, kD))       // dK, dV
         + 2 * kTcQueries * sizeof(float);              // logsumexp, D
}

bool tensor_core_head_dim(int head_dim);

// Whether the bf16 forward (backward: both of its kernels) runs on tensor cores: the head dim is
// 64 or 128 and the shared memory fits the device's opt-in limit per block
// (cudaDevAttrMaxSharedMemoryPerBlockOptin: 227 KiB on sm_90, 163 KiB on sm_80, 99 KiB on
// sm_86/sm_89). Otherwise the CUDA-core kernels run, which need no opt-in.
bool forward_on_tensor_cores(int head_dim, size_t shared_memory_optin);
bool backward_on_tensor_cores(int head_dim, size_t shared_memory_optin);

}  // namespace tessera::cuda::attention_plan
