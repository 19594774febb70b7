#include "core/cuda/check.cuh"
#include "core/cuda/dtype.cuh"
#include "core/cuda/launch.cuh"
#include "core/ops/broadcast.h"
#include "core/ops/cuda/elementwise.h"
#include "core/tensor/cuda/strided.cuh"

namespace tessera::cuda {
namespace {

// How b's (and a's) element is found from the output index: equal shapes read index i; a tiled b
// (a bias, a position table: b repeating over the leading dimensions of a) reads i % nb; anything
// else goes through the broadcast layouts.
enum class Indexing { same, tiled, general };

template <BinaryOp Op, Indexing Ix, class T>
__global__ void binary_kernel(const T* a, Layout la, const T* b, Layout lb, T* out, int64_t n, int64_t nb) {
  TESSERA_CUDA_FOR(i, n) {
    const int64_t ia = Ix == Indexing::general ? la.offset(i) : i;
    const int64_t ib = Ix == Indexing::general ? lb.offset(i) : Ix == Indexing::tiled ? i % nb : i;
    const Acc<T> x = load(a[ia]), y = load(b[ib]);
    out[i] = store<T>(Op == BinaryOp::add ? x + y : x * y);
  }
}

template <class T>
__global__ void scale_kernel(const T* x, Acc<T> factor, T* out, int64_t n) {
  TESSERA_CUDA_FOR(i, n) out[i] = store<T>(load(x[i]) * factor);
}

template <BinaryOp Op, class T>
void launch_binary(const Tensor& a, const Tensor& b, const Tensor& out) {
  const int64_t n = out.numel(), nb = b.numel();
  const Shape& os = out.shape();
  Layout la, lb;
  Indexing ix = Indexing::general;
  if (a.shape() == b.shape()) {
    ix = Indexing::same;
  } else if (a.shape() == os && nb > 0 && Shape(os.end() - b.dim(), os.end()) == b.shape()) {
    ix = Indexing::tiled;
  } else {
    const auto layouts = merged_layouts<2>(os, {ops::broadcast_strides(a.shape(), os), ops::broadcast_strides(b.shape(), os)});
    la = layouts[0];
    lb = layouts[1];
  }
  const T* pa = device_data<T>(a);
  const T* pb = device_data<T>(b);
  T* po = device_data<T>(out);
  cudaStream_t s = stream(out.device());
  switch (ix) {
    case Indexing::same: binary_kernel<Op, Indexing::same><<<blocks_for(n), kThreads, 0, s>>>(pa, la, pb, lb, po, n, nb); break;
    case Indexing::tiled: binary_kernel<Op, Indexing::tiled><<<blocks_for(n), kThreads, 0, s>>>(pa, la, pb, lb, po, n, nb); break;
    case Indexing::general: binary_kernel<Op, Indexing::general><<<blocks_for(n), kThreads, 0, s>>>(pa, la, pb, lb, po, n, nb); break;
  }
}

}  // namespace

void binary_forward(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out) {
  if (out.numel() == 0) return;
  set_device(out.device());
  dispatch_floating(out.dtype(), op == BinaryOp::add ? "add" : "mul", [&](auto tag) {
    using T = decltype(tag);
    if (op == BinaryOp::add)
      launch_binary<BinaryOp::add, T>(a, b, out);
    else
      launch_binary<BinaryOp::mul, T>(a, b, out);
  });
  TESSERA_CUDA_CHECK_LAUNCH();
}

void scale_forward(const Tensor& x, double factor, const Tensor& out) {
  const int64_t n = x.numel();
  if (n == 0) return;
  set_device(x.device());
  dispatch_floating(x.dtype(), "scale", [&](auto tag) {
    using T = decltype(tag);
    scale_kernel<T><<<blocks_for(n), kThreads, 0, stream(x.device())>>>(device_data<T>(x), static_cast<Acc<T>>(factor),
                                                                        device_data<T>(out), n);
  });
  TESSERA_CUDA_CHECK_LAUNCH();
}

}  // namespace tessera::cuda
