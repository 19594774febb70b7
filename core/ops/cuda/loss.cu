#include "core/cuda/check.cuh"
#include "core/cuda/dtype.cuh"
#include "core/cuda/launch.cuh"
#include "core/cuda/reduce.cuh"
#include "core/ops/cuda/loss.h"
#include "core/ops/cuda/softmax_rows.cuh"
#include "core/tensor/cuda/strided.cuh"

namespace tessera::cuda {
namespace {

// One block per row; row_loss[r] (double, 0 for ignored rows) is summed afterwards in a fixed order.
template <class T, class I>
__global__ void cross_entropy_kernel(const T* logits, const I* targets, int64_t rows, int64_t V, int64_t ignore_index,
                                     Acc<T> inv_count, T* dlogits, double* row_loss) {
  using A = Acc<T>;
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T* x = logits + r * V;
    T* d = dlogits + r * V;
    const int64_t t = static_cast<int64_t>(targets[r]);
    if (t == ignore_index) {
      for (int64_t j = threadIdx.x; j < V; j += blockDim.x) d[j] = store<T>(A(0));
      if (threadIdx.x == 0) row_loss[r] = 0;
      continue;
    }
    const RowMaxSum<A> stats = row_max_sum(x, V);
    for (int64_t j = threadIdx.x; j < V; j += blockDim.x)
      d[j] = store<T>(softmax_entry(load(x[j]), stats) * inv_count - (j == t ? inv_count : A(0)));
    if (threadIdx.x == 0) row_loss[r] = static_cast<double>(stats.max + log(stats.sum) - load(x[t]));
  }
}

// Fixed grid of per-block partial sums, so the summation order depends on n only.
constexpr unsigned kPartialBlocks = 1024;

template <class T>
__global__ void mse_kernel(const T* pred, const T* target, const T* weight, T* diff, int64_t n, double* partial) {
  double s = 0;
  TESSERA_CUDA_FOR(i, n) {
    const Acc<T> d = load(pred[i]) - load(target[i]);
    diff[i] = store<T>(d);
    s += static_cast<double>((weight ? load(weight[i]) : Acc<T>(1)) * d * d);
  }
  s = block_sum(s);
  if (threadIdx.x == 0) partial[blockIdx.x] = s;
}

// A double buffer on the device from the caching allocator.
Tensor doubles(int64_t n, Device device) { return Tensor::empty({n}, DType::f64, device); }

}  // namespace

void cross_entropy_forward(const Tensor& logits, const Tensor& targets, int64_t ignore_index, int64_t count,
                           const Tensor& dlogits, const Tensor& loss) {
  const int64_t V = logits.size(-1), rows = V ? logits.numel() / V : 0;
  set_device(logits.device());
  cudaStream_t s = stream(logits.device());
  const Tensor row_loss = doubles(rows > 0 ? rows : 1, logits.device());
  dispatch_floating(logits.dtype(), "cross_entropy", [&](auto tag) {
    using T = decltype(tag);
    const auto inv = static_cast<Acc<T>>(count ? 1.0 / static_cast<double>(count) : 0.0);
    auto launch = [&](auto itag) {
      using I = decltype(itag);
      cross_entropy_kernel<T, I><<<row_blocks(rows), row_threads(V, 512), 0, s>>>(
          device_data<T>(logits), device_data<I>(targets), rows, V, ignore_index, inv, device_data<T>(dlogits),
          device_data<double>(row_loss));
    };
    if (rows > 0) {
      if (targets.dtype() == DType::i32)
        launch(int32_t{});
      else
        launch(int64_t{});
      TESSERA_CUDA_CHECK_LAUNCH();
    }
    finish_mean_kernel<T><<<1, 1024, 0, s>>>(device_data<double>(row_loss), rows, static_cast<double>(count),
                                            device_data<T>(loss));
  });
  TESSERA_CUDA_CHECK_LAUNCH();
}

void mse_forward(const Tensor& pred, const Tensor& target, const Tensor& weight, const Tensor& diff, const Tensor& loss) {
  const int64_t n = pred.numel();
  set_device(pred.device());
  cudaStream_t s = stream(pred.device());
  const Tensor partial = doubles(kPartialBlocks, pred.device());
  dispatch_floating(pred.dtype(), "mse", [&](auto tag) {
    using T = decltype(tag);
    mse_kernel<T><<<kPartialBlocks, kThreads, 0, s>>>(device_data<T>(pred), device_data<T>(target),
                                                      weight.defined() ? device_data<T>(weight) : nullptr,
                                                      device_data<T>(diff), n, device_data<double>(partial));
    TESSERA_CUDA_CHECK_LAUNCH();
    finish_mean_kernel<T><<<1, 1024, 0, s>>>(device_data<double>(partial), kPartialBlocks, static_cast<double>(n),
                                            device_data<T>(loss));
  });
  TESSERA_CUDA_CHECK_LAUNCH();
}

}  // namespace tessera::cuda
