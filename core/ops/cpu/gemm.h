#pragma once
#include <cstdint>

namespace tessera::cpu {

// Row-major C = alpha * op(A) op(B) + beta * C, with op = transpose when the flag is set.
// Uses CBLAS (OpenBLAS) when the build has it, Eigen otherwise. When called from inside an
// OpenMP parallel region it runs on the calling thread only.
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
          const float* b, int64_t ldb, float beta, float* c, int64_t ldc);
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, double alpha, const double* a, int64_t lda,
          const double* b, int64_t ldb, double beta, double* c, int64_t ldc);

// Sets the thread count of our OpenMP loops and of the BLAS.
void set_num_threads(int n);

}  // namespace tessera::cpu
