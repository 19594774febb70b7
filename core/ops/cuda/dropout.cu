#include "core/cuda/check.cuh"
#include "core/cuda/dtype.cuh"
#include "core/cuda/launch.cuh"
#include "core/ops/cuda/dropout.h"
#include "core/tensor/cuda/strided.cuh"
#include "core/util/rng.h"

namespace tessera::cuda {
namespace {

template <class T>
__global__ void dropout_kernel(const T* x, T* out, int64_t n, double p, uint64_t seed, uint64_t offset, Acc<T> keep_scale) {
  TESSERA_CUDA_FOR(i, n) {
    const bool keep = random_uniform(seed, offset + static_cast<uint64_t>(i)) >= p;
    out[i] = keep ? store<T>(load(x[i]) * keep_scale) : store<T>(Acc<T>(0));
  }
}

}  // namespace

void dropout_forward(const Tensor& x, double p, uint64_t seed, uint64_t offset, const Tensor& out) {
  const int64_t n = x.numel();
  if (n == 0) return;
  set_device(x.device());
  dispatch_floating(x.dtype(), "dropout", [&](auto tag) {
    using T = decltype(tag);
    const auto keep_scale = static_cast<Acc<T>>(1.0 / (1.0 - p));
    dropout_kernel<T><<<blocks_for(n), kThreads, 0, stream(x.device())>>>(device_data<T>(x), device_data<T>(out), n, p, seed,
                                                                           offset, keep_scale);
  });
  TESSERA_CUDA_CHECK_LAUNCH();
}

}  // namespace tessera::cuda
