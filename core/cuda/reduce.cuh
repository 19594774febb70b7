#pragma once
// Block-wide reductions. The order of the additions depends only on the block size, so results
// are the same from run to run. blockDim.x must be a multiple of 32 (at most 1024), and every
// thread of the block must call, since the call synchronizes the block.
#include <cstdint>

#include "core/cuda/dtype.cuh"

namespace tessera::cuda {

struct SumOp {
  template <class A>
  __device__ A operator()(A a, A b) const { return a + b; }
};
struct MaxOp {
  template <class A>
  __device__ A operator()(A a, A b) const { return a > b ? a : b; }
};

// Every thread receives the reduction of the values of all threads of the block.
template <class A, class Op>
__device__ A block_reduce(A v, Op op) {
  __shared__ A partial[32];
  for (int o = 16; o > 0; o >>= 1) v = op(v, __shfl_xor_sync(0xffffffffu, v, o));
  __syncthreads();  // an earlier call may still be reading `partial`
  if (threadIdx.x % 32 == 0) partial[threadIdx.x / 32] = v;
  __syncthreads();
  v = partial[0];
  for (unsigned w = 1; w < blockDim.x / 32; ++w) v = op(v, partial[w]);
  return v;
}

template <class A>
__device__ A block_sum(A v) { return block_reduce(v, SumOp{}); }
template <class A>
__device__ A block_max(A v) { return block_reduce(v, MaxOp{}); }

// Threads for a block that walks rows of n elements: a multiple of 32, at most `cap`.
inline unsigned row_threads(int64_t n, unsigned cap = 256) {
  unsigned t = 32;
  while (t < cap && t < n) t *= 2;
  return t;
}

// Blocks for a kernel that gives each block one row at a time (more rows loop over the grid).
inline unsigned row_blocks(int64_t rows) { return static_cast<unsigned>(rows < 65535 * 8 ? rows : 65535 * 8); }

// The partial sums of a fixed-size grid are finished by one block: *out = sum(parts) / divisor
// (0 when divisor is 0). Double accumulation, as the host's loss sums.
template <class T>
__global__ void finish_mean_kernel(const double* parts, int64_t n_parts, double divisor, T* out) {
  double s = 0;
  for (int64_t i = threadIdx.x; i < n_parts; i += blockDim.x) s += parts[i];
  s = block_sum(s);
  if (threadIdx.x == 0) out[0] = store<T>(static_cast<Acc<T>>(divisor != 0 ? s / divisor : 0.0));
}

}  // namespace tessera::cuda
