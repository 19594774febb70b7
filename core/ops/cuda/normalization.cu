#include <algorithm>
#include <type_traits>

#include "core/cuda/check.cuh"
#include "core/cuda/dtype.cuh"
#include "core/cuda/launch.cuh"
#include "core/cuda/reduce.cuh"
#include "core/ops/cuda/normalization.h"
#include "core/tensor/cuda/strided.cuh"

namespace tessera::cuda {
namespace {

// One block per row. With a residual, the row sum is written first and then read back by the
// same threads (each thread touches the same columns in every pass), so the normalized values
// are those of the rounded sum, exactly as a separate add would give.
template <class T, bool Centered>
__global__ void normalize_kernel(const T* x, const T* residual, T* sum, const T* gamma, const T* beta, T* y,
                                 Acc<T>* mean, Acc<T>* rstd, int64_t rows, int64_t d, Acc<T> eps) {
  using A = Acc<T>;
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T* h = x + r * d;
    if (residual) {
      for (int64_t i = threadIdx.x; i < d; i += blockDim.x) sum[r * d + i] = store<T>(load(h[i]) + load(residual[r * d + i]));
      h = sum + r * d;
    }
    A m = 0;
    if (Centered) {
      for (int64_t i = threadIdx.x; i < d; i += blockDim.x) m += load(h[i]);
      m = block_sum(m) / static_cast<A>(d);
    }
    A v = 0;
    for (int64_t i = threadIdx.x; i < d; i += blockDim.x) {
      const A c = load(h[i]) - m;
      v += c * c;
    }
    v = block_sum(v);
    const A rs = A(1) / sqrt(v / static_cast<A>(d) + eps);
    for (int64_t i = threadIdx.x; i < d; i += blockDim.x) {
      A out = (load(h[i]) - m) * rs * load(gamma[i]);
      if (beta) out += load(beta[i]);
      y[r * d + i] = store<T>(out);
    }
    if (threadIdx.x == 0) {
      mean[r] = m;
      rstd[r] = rs;
    }
  }
}

template <class T, bool Centered>
__global__ void normalize_backward_kernel(const T* x, const T* g, const T* gamma, const Acc<T>* mean, const Acc<T>* rstd,
                                          T* gx, int64_t rows, int64_t d) {
  using A = Acc<T>;
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T* xr = x + r * d;
    const T* gr = g + r * d;
    const A m = mean[r], rs = rstd[r];
    A sum_g = 0, sum_gx = 0;
    for (int64_t i = threadIdx.x; i < d; i += blockDim.x) {
      const A dxh = load(gr[i]) * load(gamma[i]);
      sum_g += dxh;
      sum_gx += dxh * (load(xr[i]) - m) * rs;
    }
    sum_g = block_sum(sum_g);
    sum_gx = block_sum(sum_gx);
    const A mg = Centered ? sum_g / static_cast<A>(d) : A(0), mgx = sum_gx / static_cast<A>(d);
    for (int64_t i = threadIdx.x; i < d; i += blockDim.x)
      gx[r * d + i] = store<T>(rs * (load(gr[i]) * load(gamma[i]) - mg - (load(xr[i]) - m) * rs * mgx));
  }
}

constexpr int kParamCols = 32, kParamRowLanes = 8;

// Block (kParamCols x kParamRowLanes) sums its columns over one chunk of rows; partial is
// [chunks, 2, d]: the gamma then the beta sums of each chunk.
template <class T>
__global__ void param_grad_partial_kernel(const T* x, const T* g, const Acc<T>* mean, const Acc<T>* rstd, Acc<T>* partial,
                                          int64_t rows, int64_t d, int64_t rows_per_chunk) {
  using A = Acc<T>;
  __shared__ A sums[2][kParamRowLanes][kParamCols + 1];
  const int64_t c = blockIdx.x * int64_t(kParamCols) + threadIdx.x;
  const int64_t r0 = blockIdx.y * rows_per_chunk;
  const int64_t r1 = r0 + rows_per_chunk < rows ? r0 + rows_per_chunk : rows;
  A sg = 0, sb = 0;
  if (c < d)
    for (int64_t r = r0 + threadIdx.y; r < r1; r += kParamRowLanes) {
      const A gv = load(g[r * d + c]);
      sg += gv * (load(x[r * d + c]) - mean[r]) * rstd[r];
      sb += gv;
    }
  sums[0][threadIdx.y][threadIdx.x] = sg;
  sums[1][threadIdx.y][threadIdx.x] = sb;
  __syncthreads();
  if (threadIdx.y == 0 && c < d) {
    for (int lane = 1; lane < kParamRowLanes; ++lane) {
      sg += sums[0][lane][threadIdx.x];
      sb += sums[1][lane][threadIdx.x];
    }
    partial[(blockIdx.y * 2) * d + c] = sg;
    partial[(blockIdx.y * 2 + 1) * d + c] = sb;
  }
}

template <class T>
__global__ void param_grad_finish_kernel(const Acc<T>* partial, int64_t chunks, int64_t d, T* ggamma, T* gbeta) {
  TESSERA_CUDA_FOR(c, d) {
    Acc<T> sg = 0, sb = 0;
    for (int64_t k = 0; k < chunks; ++k) {
      sg += partial[(k * 2) * d + c];
      sb += partial[(k * 2 + 1) * d + c];
    }
    if (ggamma) ggamma[c] = store<T>(sg);
    if (gbeta) gbeta[c] = store<T>(sb);
  }
}

template <class T>
T* optional_data(const Tensor& t) {
  return t.defined() ? device_data<T>(t) : nullptr;
}

// Calls f(T{}, std::bool_constant<centered>{}) on x's device, for x's dtype, and checks the launch.
template <class F>
void dispatch_rows(const Tensor& x, bool centered, F&& f) {
  set_device(x.device());
  dispatch_floating(x.dtype(), "normalization", [&](auto tag) {
    if (centered)
      f(tag, std::true_type{});
    else
      f(tag, std::false_type{});
  });
  TESSERA_CUDA_CHECK_LAUNCH();
}

}  // namespace

void normalize_forward(const Tensor& x, const Tensor& residual, const Tensor& sum, const Tensor& gamma,
                       const Tensor& beta, double eps, bool centered, const Tensor& y, const Tensor& mean,
                       const Tensor& rstd) {
  const int64_t d = gamma.numel(), rows = d ? x.numel() / d : 0;
  if (rows == 0) return;
  dispatch_rows(x, centered, [&](auto tag, auto centered_tag) {
    using T = decltype(tag);
    using A = Acc<T>;
    normalize_kernel<T, decltype(centered_tag)::value><<<row_blocks(rows), row_threads(d), 0, stream(x.device())>>>(
        device_data<T>(x), optional_data<T>(residual), optional_data<T>(sum), device_data<T>(gamma),
        optional_data<T>(beta), device_data<T>(y), device_data<A>(mean), device_data<A>(rstd), rows, d,
        static_cast<A>(eps));
  });
}

void normalize_backward_input(const Tensor& x, const Tensor& g, const Tensor& gamma, const Tensor& mean,
                              const Tensor& rstd, bool centered, const Tensor& gx) {
  const int64_t d = gamma.numel(), rows = d ? x.numel() / d : 0;
  if (rows == 0) return;
  dispatch_rows(x, centered, [&](auto tag, auto centered_tag) {
    using T = decltype(tag);
    using A = Acc<T>;
    normalize_backward_kernel<T, decltype(centered_tag)::value><<<row_blocks(rows), row_threads(d), 0, stream(x.device())>>>(
        device_data<T>(x), device_data<T>(g), device_data<T>(gamma), device_data<A>(mean), device_data<A>(rstd),
        device_data<T>(gx), rows, d);
  });
}

void normalize_backward_params(const Tensor& x, const Tensor& g, const Tensor& mean, const Tensor& rstd,
                               const Tensor& ggamma, const Tensor& gbeta) {
  const Tensor& any = ggamma.defined() ? ggamma : gbeta;
  const int64_t d = any.numel(), rows = d ? x.numel() / d : 0;
  if (d == 0) return;
  set_device(x.device());
  // Enough row chunks to fill the device; the chunk sums are then added in a fixed order.
  const int64_t chunks = std::max<int64_t>(1, std::min<int64_t>((rows + 63) / 64, 512));
  const int64_t rows_per_chunk = (rows + chunks - 1) / chunks;
  dispatch_floating(x.dtype(), "normalization", [&](auto tag) {
    using T = decltype(tag);
    using A = Acc<T>;
    const Tensor partial = Tensor::empty({chunks, 2, d}, std::is_same_v<A, double> ? DType::f64 : DType::f32, x.device());
    cudaStream_t s = stream(x.device());
    const dim3 grid(static_cast<unsigned>((d + kParamCols - 1) / kParamCols), static_cast<unsigned>(chunks));
    param_grad_partial_kernel<T><<<grid, dim3(kParamCols, kParamRowLanes), 0, s>>>(
        device_data<T>(x), device_data<T>(g), device_data<A>(mean), device_data<A>(rstd), device_data<A>(partial), rows, d,
        rows_per_chunk);
    TESSERA_CUDA_CHECK_LAUNCH();
    param_grad_finish_kernel<T><<<blocks_for(d), kThreads, 0, s>>>(device_data<A>(partial), chunks, d,
                                                                   optional_data<T>(ggamma), optional_data<T>(gbeta));
  });
  TESSERA_CUDA_CHECK_LAUNCH();
}

}  // namespace tessera::cuda
