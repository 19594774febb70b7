#include <cmath>

#include "core/autograd/autograd.h"
#include "core/ops/cpu/dispatch.h"
#include "core/ops/cuda/rope.h"
#include "core/ops/cuda_call.h"
#include "core/ops/ops.h"

namespace tessera::ops {
namespace {

// Rotates each (x[i], x[i + Dh/2]) pair by angle pos * theta^(-2i/Dh); direction -1 is the
// inverse rotation, which is also the backward pass (rotations are orthogonal).
template <class T>
void rotate(const Tensor& x, const Tensor& positions, double theta, int direction, Tensor& out) {
  const int64_t B = x.size(0), Tn = x.size(1), H = x.size(2), Dh = x.size(3), half = Dh / 2;
  const bool per_batch = positions.dim() == 2;
  std::vector<double> inv_freq(half);
  for (int64_t i = 0; i < half; ++i) inv_freq[i] = std::pow(theta, -2.0 * static_cast<double>(i) / static_cast<double>(Dh));
  const T* px = x.data<T>();
  T* po = out.data<T>();
  const int64_t sb = x.stride(0), st = x.stride(1);
#pragma omp parallel for collapse(2) schedule(static) if (B * Tn * H * Dh > 32768)
  for (int64_t b = 0; b < B; ++b)
    for (int64_t t = 0; t < Tn; ++t) {
      const double pos = static_cast<double>(cpu::index_at(positions, per_batch ? b * Tn + t : t));
      std::vector<T> c(half), s(half);
      for (int64_t i = 0; i < half; ++i) {
        c[i] = static_cast<T>(std::cos(pos * inv_freq[i]));
        s[i] = static_cast<T>(direction * std::sin(pos * inv_freq[i]));
      }
      for (int64_t h = 0; h < H; ++h) {
        const T* xr = px + b * sb + t * st + h * Dh;
        T* yr = po + ((b * Tn + t) * H + h) * Dh;
        for (int64_t i = 0; i < half; ++i) {
          const T x1 = xr[i], x2 = xr[i + half];
          yr[i] = x1 * c[i] - x2 * s[i];
          yr[i + half] = x2 * c[i] + x1 * s[i];
        }
      }
    }
}

}  // namespace

Tensor rope(const Tensor& x_in, const Tensor& positions_in, double theta) {
  Tensor x = x_in.detach();
  if (!(x.dim() == 4 && x.stride(3) == 1 && x.stride(2) == x.size(3))) x = contiguous(x_in).detach();
  TESSERA_CHECK(x.dim() == 4 && x.size(3) % 2 == 0, "rope: input must be [B, T, H, Dh] with even Dh, got " + shape_str(x.shape()));
  Tensor positions = positions_in.contiguous_copy();
  TESSERA_CHECK(positions.dtype() == DType::i32 || positions.dtype() == DType::i64, "rope: positions must be integers");
  TESSERA_CHECK((positions.dim() == 1 && positions.size(0) == x.size(1)) ||
                    (positions.dim() == 2 && positions.shape() == Shape({x.size(0), x.size(1)})),
                "rope: positions must be [T] or [B, T], got " + shape_str(positions.shape()));
  positions = on_device(positions, x.device());
  Tensor out = Tensor::empty(x.shape(), x.dtype(), x.device());
  if (on_cuda(x))
    TESSERA_CUDA_CALL(cuda::rope_rotate(x, positions, theta, 1, out));
  else
    cpu::dispatch_floating(x.dtype(), "rope", [&](auto tag) { rotate<decltype(tag)>(x, positions, theta, 1, out); });
  if (autograd::needs_graph({x_in}))
    autograd::record(out, {x_in}, [positions, theta](std::vector<Tensor>& in, const Tensor& g_in) {
      Tensor g = contiguous(g_in);
      Tensor gx = Tensor::empty(g.shape(), g.dtype(), g.device());
      if (on_cuda(g))
        TESSERA_CUDA_CALL(cuda::rope_rotate(g, positions, theta, -1, gx));
      else
        cpu::dispatch_floating(g.dtype(), "rope", [&](auto tag) { rotate<decltype(tag)>(g, positions, theta, -1, gx); });
      autograd::add_grad(in, 0, gx);
    });
  return out;
}

}  // namespace tessera::ops
