#include <algorithm>
#include <type_traits>

#include "core/cuda/check.cuh"
#include "core/cuda/dtype.cuh"
#include "core/cuda/launch.cuh"
#include "core/cuda/reduce.cuh"
#include "core/ops/cuda/reduction.h"
#include "core/tensor/cuda/strided.cuh"

namespace tessera::cuda {
namespace {

// Both kernels compute out[o] = factor * sum_r x[kept.offset(o) + reduced.offset(r)], walking r in
// order (per thread) so results do not depend on timing.
template <class T>
__global__ void reduce_thread_per_output(const T* x, Layout kept, Layout reduced, int64_t n_out, int64_t n_red,
                                         Acc<T> factor, T* out) {
  TESSERA_CUDA_FOR(o, n_out) {
    const T* base = x + kept.offset(o);
    Acc<T> s = 0;
    for (int64_t r = 0; r < n_red; ++r) s += load(base[reduced.offset(r)]);
    out[o] = store<T>(s * factor);
  }
}

// Block per (output, split): the terms of an output are cut into `splits` consecutive ranges, so
// that a few outputs with many terms still fill the device. With one split the block writes the
// output; else it writes its partial sum, and finish_splits adds the partials in order.
template <class T>
__global__ void reduce_block_per_output(const T* x, Layout kept, Layout reduced, int64_t n_out, int64_t n_red,
                                        int64_t splits, Acc<T> factor, T* out, Acc<T>* partial) {
  const int64_t chunk = (n_red + splits - 1) / splits;
  for (int64_t job = blockIdx.x; job < n_out * splits; job += gridDim.x) {
    const int64_t o = job / splits, r0 = (job % splits) * chunk, r1 = r0 + chunk < n_red ? r0 + chunk : n_red;
    const T* base = x + kept.offset(o);
    Acc<T> s = 0;
    for (int64_t r = r0 + threadIdx.x; r < r1; r += blockDim.x) s += load(base[reduced.offset(r)]);
    s = block_sum(s);
    if (threadIdx.x == 0) {
      if (splits == 1)
        out[o] = store<T>(s * factor);
      else
        partial[job] = s;
    }
  }
}

template <class T>
__global__ void finish_splits(const Acc<T>* partial, int64_t n_out, int64_t splits, Acc<T> factor, T* out) {
  TESSERA_CUDA_FOR(o, n_out) {
    Acc<T> s = 0;
    for (int64_t k = 0; k < splits; ++k) s += partial[o * splits + k];
    out[o] = store<T>(s * factor);
  }
}

// Sums x over `reduced` (sizes and strides of the summed dimensions) for every element of `kept`
// (those of the output, in its row-major order).
void reduce(const Tensor& x, const Shape& kept_shape, const Shape& kept_strides, const Shape& red_shape,
            const Shape& red_strides, double factor, const Tensor& out, const char* name) {
  const int64_t n_out = shape_numel(kept_shape), n_red = shape_numel(red_shape);
  if (n_out == 0) return;
  set_device(x.device());
  const Layout kept = merged_layouts<1>(kept_shape, {kept_strides})[0];
  const Layout red = merged_layouts<1>(red_shape, {red_strides})[0];
  cudaStream_t s = stream(x.device());
  // Few terms per output, or outputs enough to fill the device: one thread each; else blocks.
  const bool per_thread = n_red <= 64 || n_out >= 65536;
  const int64_t splits = std::max<int64_t>(1, std::min<int64_t>((n_red + 32767) / 32768, 1024 / n_out));
  dispatch_floating(x.dtype(), name, [&](auto tag) {
    using T = decltype(tag);
    using A = Acc<T>;
    const auto f = static_cast<A>(factor);
    if (per_thread) {
      reduce_thread_per_output<T><<<blocks_for(n_out), kThreads, 0, s>>>(device_data<T>(x), kept, red, n_out, n_red, f,
                                                                         device_data<T>(out));
      return;
    }
    Tensor partial;
    if (splits > 1) partial = Tensor::empty({n_out, splits}, std::is_same_v<A, double> ? DType::f64 : DType::f32, x.device());
    A* pp = splits > 1 ? device_data<A>(partial) : nullptr;
    reduce_block_per_output<T><<<blocks_for(n_out * splits * kThreads), kThreads, 0, s>>>(
        device_data<T>(x), kept, red, n_out, n_red, splits, f, device_data<T>(out), pp);
    if (splits == 1) return;
    TESSERA_CUDA_CHECK_LAUNCH();
    finish_splits<T><<<blocks_for(n_out), kThreads, 0, s>>>(pp, n_out, splits, f, device_data<T>(out));
  });
  TESSERA_CUDA_CHECK_LAUNCH();
}

}  // namespace

void sum_dim(const Tensor& x, int64_t outer, int64_t n, int64_t inner, double factor, const Tensor& out) {
  reduce(x, {outer, inner}, {n * inner, 1}, {n}, {inner}, factor, out, "sum");
}

void sum_to(const Tensor& g, const Tensor& out) {
  const Shape& gs = g.shape();
  const Shape& target = out.shape();
  const Shape st = contiguous_strides(gs);
  const size_t lead = gs.size() - target.size();
  Shape kept_shape, kept_strides, red_shape, red_strides;
  for (size_t d = 0; d < gs.size(); ++d) {
    const bool summed = d < lead || (target[d - lead] == 1 && gs[d] != 1);
    (summed ? red_shape : kept_shape).push_back(gs[d]);
    (summed ? red_strides : kept_strides).push_back(st[d]);
  }
  reduce(g, kept_shape, kept_strides, red_shape, red_strides, 1.0, out, "sum_to");
}

}  // namespace tessera::cuda
