#include <cmath>
#include <cstdint>
#include <vector>

#include "core/cuda/check.cuh"
#include "core/cuda/launch.cuh"
#include "core/optim/cuda/adamw.h"

namespace tessera::cuda {
namespace {

// Each kernel walks a list of tensors, blockIdx.y choosing the tensor and a grid-stride loop over
// blockIdx.x covering its elements, so a whole model is one launch.
struct AdamWSlot {
  float* param;
  const float* grad;
  float* m;
  float* v;
  int64_t n;
  float decay;
};

constexpr unsigned kBlocksPerTensor = 64;

__global__ void adamw_kernel(const AdamWSlot* slots, AdamWScalars s) {
  const AdamWSlot t = slots[blockIdx.y];
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < t.n; i += int64_t(gridDim.x) * blockDim.x) {
    const float g = t.grad[i];
    float p = t.param[i] * t.decay;
    const float m = s.beta1 * t.m[i] + (1.0f - s.beta1) * g;
    const float v = s.beta2 * t.v[i] + (1.0f - s.beta2) * g * g;
    p -= s.step_size * m / (sqrtf(v) * s.inv_sqrt_bc2 + s.eps);
    t.m[i] = m;
    t.v[i] = v;
    t.param[i] = p;
  }
}

struct NormSlot {
  const float* grad;
  int64_t n;
};

// Sum of squares of each (tensor, block) into its own slot: partial[y * gridDim.x + x].
__global__ void squares_kernel(const NormSlot* slots, double* partial) {
  __shared__ double acc[kThreads];
  const NormSlot t = slots[blockIdx.y];
  double s = 0;
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < t.n; i += int64_t(gridDim.x) * blockDim.x)
    s += double(t.grad[i]) * t.grad[i];
  acc[threadIdx.x] = s;
  __syncthreads();
  for (int half = kThreads / 2; half > 0; half /= 2) {
    if (threadIdx.x < half) acc[threadIdx.x] += acc[threadIdx.x + half];
    __syncthreads();
  }
  if (threadIdx.x == 0) partial[blockIdx.y * gridDim.x + blockIdx.x] = acc[0];
}

__global__ void total_kernel(const double* partial, int64_t n, double* out) {
  __shared__ double acc[kThreads];
  double s = 0;
  for (int64_t i = threadIdx.x; i < n; i += kThreads) s += partial[i];
  acc[threadIdx.x] = s;
  __syncthreads();
  for (int half = kThreads / 2; half > 0; half /= 2) {
    if (threadIdx.x < half) acc[threadIdx.x] += acc[threadIdx.x + half];
    __syncthreads();
  }
  if (threadIdx.x == 0) *out = acc[0];
}

__global__ void scale_kernel(const float* g, float factor, float* out, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    out[i] = factor * g[i];
}

// A host array of slots on the device, as a byte tensor the caller keeps until its kernels are
// queued (its memory is reused only by work queued after them on the same stream). A copy from
// pageable memory has read the host array when it returns.
template <class Slot>
Tensor upload(const std::vector<Slot>& slots, Device device) {
  const size_t bytes = slots.size() * sizeof(Slot);
  Tensor out = Tensor::empty({static_cast<int64_t>(bytes)}, DType::u8, device);
  TESSERA_CUDA_CHECK(cudaMemcpyAsync(out.raw_data(), slots.data(), bytes, cudaMemcpyHostToDevice, stream(device)));
  return out;
}

}  // namespace

void adamw_step(const std::vector<AdamWTensors>& tensors, const AdamWScalars& s) {
  if (tensors.empty()) return;
  const Device device = tensors.front().param.device();
  set_device(device);
  std::vector<AdamWSlot> slots;
  for (const AdamWTensors& t : tensors)
    slots.push_back({t.param.data<float>(), t.grad.data<float>(), t.m.data<float>(), t.v.data<float>(), t.param.numel(), t.decay});
  const Tensor device_slots = upload(slots, device);
  adamw_kernel<<<dim3(kBlocksPerTensor, static_cast<unsigned>(slots.size())), kThreads, 0, stream(device)>>>(
      static_cast<const AdamWSlot*>(device_slots.raw_data()), s);
  TESSERA_CUDA_CHECK_LAUNCH();
}

double global_norm(const std::vector<Tensor>& grads) {
  if (grads.empty()) return 0.0;
  const Device device = grads.front().device();
  set_device(device);
  std::vector<NormSlot> slots;
  for (const Tensor& g : grads) slots.push_back({g.data<float>(), g.numel()});
  const Tensor device_slots = upload(slots, device);
  const int64_t n_partial = static_cast<int64_t>(slots.size()) * kBlocksPerTensor;
  Tensor partial = Tensor::empty({n_partial}, DType::f64, device);
  Tensor total = Tensor::empty({1}, DType::f64, device);
  squares_kernel<<<dim3(kBlocksPerTensor, static_cast<unsigned>(slots.size())), kThreads, 0, stream(device)>>>(
      static_cast<const NormSlot*>(device_slots.raw_data()), partial.data<double>());
  TESSERA_CUDA_CHECK_LAUNCH();
  total_kernel<<<1, kThreads, 0, stream(device)>>>(partial.data<double>(), n_partial, total.data<double>());
  TESSERA_CUDA_CHECK_LAUNCH();
  return std::sqrt(total.item());
}

void scale_into(const Tensor& g, float factor, const Tensor& out) {
  const Device device = g.device();
  set_device(device);
  const int64_t n = g.numel();
  scale_kernel<<<blocks_for(n), kThreads, 0, stream(device)>>>(g.data<float>(), factor, out.data<float>(), n);
  TESSERA_CUDA_CHECK_LAUNCH();
}

}  // namespace tessera::cuda
