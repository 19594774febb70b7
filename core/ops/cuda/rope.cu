#include <type_traits>

#include "core/cuda/check.cuh"
#include "core/cuda/dtype.cuh"
#include "core/cuda/launch.cuh"
#include "core/ops/cuda/rope.h"
#include "core/tensor/cuda/strided.cuh"

namespace tessera::cuda {
namespace {

// cos and sin of each (position, pair) angle, as the CPU's per-position table: angles in double,
// so long positions keep their accuracy, rounded to the arithmetic type once. H times fewer
// pow/sin/cos than one per rotated pair. table[(p * half + i) * 2 + {0, 1}].
template <class A, class I>
__global__ void rope_table_kernel(const I* positions, int64_t n_positions, int64_t Dh, double theta, int direction,
                                  A* table) {
  const int64_t half = Dh / 2;
  TESSERA_CUDA_FOR(e, n_positions * half) {
    const int64_t i = e % half, p = e / half;
    const double angle = static_cast<double>(positions[p]) * pow(theta, -2.0 * static_cast<double>(i) / static_cast<double>(Dh));
    table[2 * e] = static_cast<A>(cos(angle));
    table[2 * e + 1] = static_cast<A>(direction * sin(angle));
  }
}

// One thread per rotated pair.
template <class T>
__global__ void rope_kernel(const T* x, int64_t sb, int64_t st, const Acc<T>* table, bool per_batch, T* out, int64_t B,
                            int64_t Tn, int64_t H, int64_t Dh) {
  const int64_t half = Dh / 2;
  TESSERA_CUDA_FOR(e, B * Tn * H * half) {
    const int64_t i = e % half, h = (e / half) % H, t = (e / (half * H)) % Tn, b = e / (half * H * Tn);
    const Acc<T>* cs = table + ((per_batch ? b * Tn + t : t) * half + i) * 2;
    const Acc<T> c = cs[0], s = cs[1];
    const T* xr = x + b * sb + t * st + h * Dh;
    T* yr = out + ((b * Tn + t) * H + h) * Dh;
    const Acc<T> x1 = load(xr[i]), x2 = load(xr[i + half]);
    yr[i] = store<T>(x1 * c - x2 * s);
    yr[i + half] = store<T>(x2 * c + x1 * s);
  }
}

}  // namespace

void rope_rotate(const Tensor& x, const Tensor& positions, double theta, int direction, const Tensor& out) {
  const int64_t B = x.size(0), Tn = x.size(1), H = x.size(2), Dh = x.size(3);
  const int64_t n = B * Tn * H * (Dh / 2);
  if (n == 0) return;
  set_device(x.device());
  const bool per_batch = positions.dim() == 2;
  const int64_t n_positions = positions.numel();
  cudaStream_t s = stream(x.device());
  dispatch_floating(x.dtype(), "rope", [&](auto tag) {
    using T = decltype(tag);
    using A = Acc<T>;
    Tensor table = Tensor::empty({n_positions, Dh / 2, 2}, std::is_same_v<A, double> ? DType::f64 : DType::f32, x.device());
    auto fill_table = [&](auto itag) {
      using I = decltype(itag);
      rope_table_kernel<A, I><<<blocks_for(n_positions * (Dh / 2)), kThreads, 0, s>>>(
          device_data<I>(positions), n_positions, Dh, theta, direction, device_data<A>(table));
    };
    if (positions.dtype() == DType::i32)
      fill_table(int32_t{});
    else
      fill_table(int64_t{});
    TESSERA_CUDA_CHECK_LAUNCH();
    rope_kernel<T><<<blocks_for(n), kThreads, 0, s>>>(device_data<T>(x), x.stride(0), x.stride(1), device_data<A>(table),
                                                      per_batch, device_data<T>(out), B, Tn, H, Dh);
    TESSERA_CUDA_CHECK_LAUNCH();
  });
}

}  // namespace tessera::cuda
