#pragma once
// Row softmax and its backward, shared by softmax, attention and cross-entropy.
#include <cmath>
#include <cstdint>
#include <limits>

#include "core/ops/cpu/fast_math.h"
#include "core/ops/cpu/simd.h"

namespace tessera::cpu {

// y = softmax(x) over n entries; a row of all -inf gives zeros. Returns log-sum-exp.
template <class T>
TESSERA_SIMD_CLONES inline T softmax_row(const T* x, T* y, int64_t n) {
  T mx = -std::numeric_limits<T>::infinity();
#pragma omp simd reduction(max : mx)
  for (int64_t i = 0; i < n; ++i) mx = x[i] > mx ? x[i] : mx;
  if (mx == -std::numeric_limits<T>::infinity()) {
    for (int64_t i = 0; i < n; ++i) y[i] = T(0);
    return mx;
  }
  T s = 0;
#pragma omp simd reduction(+ : s)
  for (int64_t i = 0; i < n; ++i) {
    y[i] = exp_fast(x[i] - mx);
    s += y[i];
  }
  const T inv = T(1) / s;
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) y[i] *= inv;
  return mx + std::log(s);
}

// dx = y * (dy - sum(dy * y))
template <class T>
TESSERA_SIMD_CLONES inline void softmax_row_backward(const T* y, const T* dy, T* dx, int64_t n) {
  T dot = 0;
#pragma omp simd reduction(+ : dot)
  for (int64_t i = 0; i < n; ++i) dot += dy[i] * y[i];
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) dx[i] = y[i] * (dy[i] - dot);
}

}  // namespace tessera::cpu
