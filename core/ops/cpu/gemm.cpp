#include "core/ops/cpu/gemm.h"

#include <omp.h>

#include "core/ops/cpu/bf16_gemm.h"
#include "core/ops/matmul_precision.h"

#ifdef TESSERA_HAVE_CBLAS
#include <cblas.h>
#else
#include <Eigen/Core>
#endif

namespace tessera::cpu {

#ifdef TESSERA_HAVE_CBLAS
namespace {
CBLAS_TRANSPOSE tr(bool t) { return t ? CblasTrans : CblasNoTrans; }

// Rows of C per thread from which a product is split by rows, each thread running OpenBLAS on
// its own block (OpenBLAS runs single-threaded inside a parallel region). OpenBLAS's own threading
// of the demo's and the tiny benchmark's products (d_model 128, 2,048 rows) costs more in packing
// and synchronization: split, the tiny benchmark trained 6 % faster and the demo config 4 %, and
// the small benchmark (d_model 384) was unchanged.
constexpr int64_t kRowsPerThread = 128;

void sgemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda, const float* b,
           int64_t ldb, float beta, float* c, int64_t ldc) {
  const int threads = omp_get_max_threads();
  if (threads > 1 && !omp_in_parallel() && m >= kRowsPerThread * threads) {
#pragma omp parallel num_threads(threads)
    {
      const int64_t t = omp_get_thread_num(), r0 = m * t / threads, r1 = m * (t + 1) / threads;
      const float* rows_of_a = ta ? a + r0 : a + r0 * lda;  // op(A)'s rows are A's columns when transposed
      cblas_sgemm(CblasRowMajor, tr(ta), tr(tb), r1 - r0, n, k, alpha, rows_of_a, lda, b, ldb, beta, c + r0 * ldc, ldc);
    }
    return;
  }
  cblas_sgemm(CblasRowMajor, tr(ta), tr(tb), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
}  // namespace

void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, double alpha, const double* a, int64_t lda,
          const double* b, int64_t ldb, double beta, double* c, int64_t ldc) {
  cblas_dgemm(CblasRowMajor, tr(ta), tr(tb), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
void set_num_threads(int n) {
  omp_set_num_threads(n);
  openblas_set_num_threads(n);
}
#else
namespace {
template <class T>
void eigen_gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda, const T* b,
                int64_t ldb, T beta, T* c, int64_t ldc) {
  using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using Stride = Eigen::OuterStride<>;
  Eigen::Map<Mat, 0, Stride> C(c, m, n, Stride(ldc));
  Eigen::Map<const Mat, 0, Stride> A(a, ta ? k : m, ta ? m : k, Stride(lda));
  Eigen::Map<const Mat, 0, Stride> B(b, tb ? n : k, tb ? k : n, Stride(ldb));
  if (beta == T(0)) C.setZero(); else if (beta != T(1)) C *= beta;
  if (!ta && !tb) C.noalias() += alpha * A * B;
  else if (ta && !tb) C.noalias() += alpha * A.transpose() * B;
  else if (!ta && tb) C.noalias() += alpha * A * B.transpose();
  else C.noalias() += alpha * A.transpose() * B.transpose();
}

void sgemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda, const float* b,
           int64_t ldb, float beta, float* c, int64_t ldc) {
  eigen_gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
}  // namespace

void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, double alpha, const double* a, int64_t lda,
          const double* b, int64_t ldb, double beta, double* c, int64_t ldc) {
  eigen_gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
void set_num_threads(int n) {
  omp_set_num_threads(n);
  Eigen::setNbThreads(n);
}
#endif

void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda, const float* b,
          int64_t ldb, float beta, float* c, int64_t ldc) {
  if (ops::cpu_bf16_matmul(m, n, k))
    bf16_gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  else
    sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

}  // namespace tessera::cpu
