#pragma once
// Hot elementwise kernels are compiled for AVX-512, AVX2 and the baseline, and the CPU picks
// one at load time (GCC function multiversioning), so a portable binary still uses the wide
// vector units. Clones are named by ISA feature: GCC resolves arch= clones by CPU model, which
// never matches an AMD processor. With TESSERA_NATIVE the whole build already targets this CPU.
// The annotated function must not contain an OpenMP parallel region: its outlined body would
// not inherit the target. Parallelize around it (parallel_for below).
#include <omp.h>

#include <cstdint>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(TESSERA_NATIVE_BUILD)
#define TESSERA_SIMD_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define TESSERA_SIMD_CLONES
#endif

namespace tessera::cpu {

// Calls f(begin, end) over a static partition of [0, n) across the OpenMP threads, or once on
// the calling thread when n is below `grain` or we are already inside a parallel region.
// Static partitions keep every reduction order fixed for a given thread count.
template <class F>
void parallel_for(int64_t n, int64_t grain, F&& f) {
  if (n <= grain || omp_in_parallel() || omp_get_max_threads() == 1) {
    if (n > 0) f(int64_t{0}, n);
    return;
  }
#pragma omp parallel
  {
    const int64_t nt = omp_get_num_threads(), t = omp_get_thread_num();
    const int64_t chunk = (n + nt - 1) / nt;
    const int64_t begin = t * chunk, end = begin + chunk < n ? begin + chunk : n;
    if (begin < end) f(begin, end);
  }
}

}  // namespace tessera::cpu
