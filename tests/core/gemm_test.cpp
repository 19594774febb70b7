// cpu::gemm (core/ops/cpu/gemm.h) against a double-precision loop, for every transpose, strided
// operands (leading dimensions past the logical width), alpha and beta, with shapes on both sides
// of the row split that hands each thread its own block of C, and inside a parallel region.
#include <gtest/gtest.h>

#include <omp.h>

#include <cmath>
#include <random>
#include <vector>

#include "core/ops/cpu/gemm.h"

namespace tessera::cpu {
namespace {

struct Case {
  bool ta, tb;
  int64_t m, n, k;
};

void expect_matches_reference(const Case& c) {
  const int64_t pad = 3;  // every leading dimension is wider than its matrix
  const int64_t a_rows = c.ta ? c.k : c.m, a_cols = c.ta ? c.m : c.k;
  const int64_t b_rows = c.tb ? c.n : c.k, b_cols = c.tb ? c.k : c.n;
  const int64_t lda = a_cols + pad, ldb = b_cols + pad, ldc = c.n + pad;
  std::mt19937 rng(static_cast<unsigned>(c.m * 131 + c.n * 7 + c.k));
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  std::vector<float> a(static_cast<size_t>(a_rows * lda)), b(static_cast<size_t>(b_rows * ldb)),
      out(static_cast<size_t>(c.m * ldc));
  for (float& x : a) x = value(rng);
  for (float& x : b) x = value(rng);
  for (float& x : out) x = value(rng);
  const std::vector<float> before = out;
  const float alpha = 0.75f, beta = 0.5f;
  gemm(c.ta, c.tb, c.m, c.n, c.k, alpha, a.data(), lda, b.data(), ldb, beta, out.data(), ldc);
  for (int64_t i = 0; i < c.m; ++i) {
    for (int64_t j = 0; j < c.n; ++j) {
      double sum = 0.0;
      for (int64_t p = 0; p < c.k; ++p)
        sum += static_cast<double>(c.ta ? a[p * lda + i] : a[i * lda + p]) * (c.tb ? b[j * ldb + p] : b[p * ldb + j]);
      const double want = alpha * sum + beta * before[i * ldc + j];
      ASSERT_NEAR(out[i * ldc + j], want, 1e-4 * (1.0 + std::sqrt(static_cast<double>(c.k))))
          << "ta " << c.ta << " tb " << c.tb << " m " << c.m << " n " << c.n << " k " << c.k << " at " << i << "," << j;
    }
    for (int64_t j = c.n; j < ldc; ++j) ASSERT_EQ(out[i * ldc + j], before[i * ldc + j]) << "wrote past column " << c.n;
  }
}

TEST(CpuGemm, EveryTransposeOnBothSidesOfTheRowSplit) {
  set_num_threads(2);
  for (bool ta : {false, true})
    for (bool tb : {false, true})
      for (int64_t m : {7, 255, 256, 301, 600}) expect_matches_reference({ta, tb, m, 37, 45});
}

TEST(CpuGemm, InsideAParallelRegionEachThreadComputesItsOwnProduct) {
  set_num_threads(2);
  bool ok = true;
#pragma omp parallel num_threads(2) reduction(&& : ok)
  {
    expect_matches_reference({omp_get_thread_num() == 1, false, 300, 20, 30});
    ok = !::testing::Test::HasFatalFailure();
  }
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace tessera::cpu
