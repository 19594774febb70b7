#pragma once
// Row softmax pieces shared by the softmax and cross-entropy kernels: one block walks one row.
#include <cmath>
#include <cstdint>

#include "core/cuda/dtype.cuh"
#include "core/cuda/reduce.cuh"

namespace tessera::cuda {

template <class A>
struct RowMaxSum {
  A max;  // -inf when every entry is -inf
  A sum;  // sum of exp(x - max)
};

// Max and sum of exp(x - max) over x[0, n) in one pass: each thread rescales its running sum
// whenever its maximum grows, then the block merges the per-thread pairs.
template <class T>
__device__ RowMaxSum<Acc<T>> row_max_sum(const T* x, int64_t n) {
  using A = Acc<T>;
  const A neg_inf = -INFINITY;
  A m = neg_inf, s = 0;
  for (int64_t i = threadIdx.x; i < n; i += blockDim.x) {
    const A v = load(x[i]);
    if (v == neg_inf) continue;
    if (v > m) {
      s = s * exp(m - v) + A(1);
      m = v;
    } else {
      s += exp(v - m);
    }
  }
  const A row_max = block_max(m);
  const A row_sum = block_sum(m == neg_inf ? A(0) : s * exp(m - row_max));
  return {row_max, row_sum};
}

// Softmax entry of v given its row's max and sum; 0 for a row of all -inf.
template <class A>
__device__ A softmax_entry(A v, RowMaxSum<A> r) {
  return r.max == A(-INFINITY) ? A(0) : exp(v - r.max) / r.sum;
}

}  // namespace tessera::cuda
