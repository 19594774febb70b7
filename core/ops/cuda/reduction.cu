#include "core/cuda/check.cuh"
#include "core/cuda/dtype.cuh"
#include "core/cuda/launch.cuh"
#include "core/cuda/reduce.cuh"
#include "core/cuda/strided.cuh"
#include "core/ops/cuda/reduction.h"

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

template <class T>
__global__ void reduce_block_per_output(const T* x, Layout kept, Layout reduced, int64_t n_out, int64_t n_red,
                                        Acc<T> factor, T* out) {
  for (int64_t o = blockIdx.x; o < n_out; o += gridDim.x) {
    const T* base = x + kept.offset(o);
    Acc<T> s = 0;
    for (int64_t r = threadIdx.x; r < n_red; r += blockDim.x) s += load(base[reduced.offset(r)]);
    s = block_sum(s);
    if (threadIdx.x == 0) out[o] = store<T>(s * factor);
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
  // Few terms per output, or outputs enough to fill the device: one thread each; else a block each.
  const bool per_thread = n_red <= 64 || n_out >= 65536;
  dispatch_floating(x.dtype(), name, [&](auto tag) {
    using T = decltype(tag);
    const auto f = static_cast<Acc<T>>(factor);
    if (per_thread)
      reduce_thread_per_output<T><<<blocks_for(n_out), kThreads, 0, s>>>(device_data<T>(x), kept, red, n_out, n_red, f,
                                                                         device_data<T>(out));
    else
      reduce_block_per_output<T><<<blocks_for(n_out * kThreads), kThreads, 0, s>>>(device_data<T>(x), kept, red, n_out,
                                                                                    n_red, f, device_data<T>(out));
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
