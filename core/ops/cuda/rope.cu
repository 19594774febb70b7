#include "core/cuda/check.cuh"
#include "core/cuda/dtype.cuh"
#include "core/cuda/launch.cuh"
#include "core/ops/cuda/rope.h"
#include "core/tensor/cuda/strided.cuh"

namespace tessera::cuda {
namespace {

// One thread per rotated pair. Angles in double, as on the CPU, so long positions keep their
// accuracy before the rounding to the tensor's dtype.
template <class T, class I>
__global__ void rope_kernel(const T* x, int64_t sb, int64_t st, const I* positions, bool per_batch, T* out, int64_t B,
                            int64_t Tn, int64_t H, int64_t Dh, double theta, int direction) {
  const int64_t half = Dh / 2;
  TESSERA_CUDA_FOR(e, B * Tn * H * half) {
    const int64_t i = e % half, h = (e / half) % H, t = (e / (half * H)) % Tn, b = e / (half * H * Tn);
    const double pos = static_cast<double>(positions[per_batch ? b * Tn + t : t]);
    const double angle = pos * pow(theta, -2.0 * static_cast<double>(i) / static_cast<double>(Dh));
    const Acc<T> c = static_cast<Acc<T>>(cos(angle)), s = static_cast<Acc<T>>(direction * sin(angle));
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
  dispatch_floating(x.dtype(), "rope", [&](auto tag) {
    using T = decltype(tag);
    auto launch = [&](auto itag) {
      using I = decltype(itag);
      rope_kernel<T, I><<<blocks_for(n), kThreads, 0, stream(x.device())>>>(
          device_data<T>(x), x.stride(0), x.stride(1), device_data<I>(positions), per_batch, device_data<T>(out), B, Tn, H,
          Dh, theta, direction);
    };
    if (positions.dtype() == DType::i32)
      launch(int32_t{});
    else
      launch(int64_t{});
  });
  TESSERA_CUDA_CHECK_LAUNCH();
}

}  // namespace tessera::cuda
