#include <cmath>
#include <cstdint>
#include <vector>

#include "core/cuda/check.cuh"
#include "core/cuda/launch.cuh"
#include "core/ops/cuda/grid_plan.h"
#include "core/optim/cuda/adamw.h"

namespace tessera::cuda {
namespace {

// Each kernel walks a list of tensors in one launch for the whole model: one 1-D grid in which
// each tensor owns the blocks [first_block, first_block + blocks) (grid_plan.h), and a stride
// loop over those blocks covers its elements.
struct Blocks {
  int64_t first_block, blocks;
};

struct AdamWSlot {
  float* param;
  const float* grad;
  float* m;
  float* v;
  int64_t n;
  float decay;
  Blocks blocks;
};

// The slot that owns this block: the last whose first block is at most blockIdx.x.
template <class Slot>
__device__ const Slot& slot_of_block(const Slot* slots, int n_slots) {
  int lo = 0, hi = n_slots - 1;
  while (lo < hi) {
    const int mid = (lo + hi + 1) / 2;
    if (slots[mid].blocks.first_block <= int64_t(blockIdx.x)) lo = mid; else hi = mid - 1;
  }
  return slots[lo];
}

// The first of a slot's elements this thread works on, and the stride to its next.
__device__ inline int64_t slot_start(const Blocks& b) {
  return (int64_t(blockIdx.x) - b.first_block) * blockDim.x + threadIdx.x;
}
__device__ inline int64_t slot_stride(const Blocks& b) { return b.blocks * blockDim.x; }

__global__ void adamw_kernel(const AdamWSlot* slots, int n_slots, AdamWScalars s) {
  const AdamWSlot t = slot_of_block(slots, n_slots);
  for (int64_t i = slot_start(t.blocks); i < t.n; i += slot_stride(t.blocks)) {
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
  Blocks blocks;
};

// Sum of squares of each block's share of its tensor into partial[blockIdx.x].
__global__ void squares_kernel(const NormSlot* slots, int n_slots, double* partial) {
  __shared__ double acc[kThreads];
  const NormSlot t = slot_of_block(slots, n_slots);
  double s = 0;
  for (int64_t i = slot_start(t.blocks); i < t.n; i += slot_stride(t.blocks)) s += double(t.grad[i]) * t.grad[i];
  acc[threadIdx.x] = s;
  __syncthreads();
  for (int half = kThreads / 2; half > 0; half /= 2) {
    if (threadIdx.x < half) acc[threadIdx.x] += acc[threadIdx.x + half];
    __syncthreads();
  }
  if (threadIdx.x == 0) partial[blockIdx.x] = acc[0];
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

// Each slot's blocks (grid_plan.h's first_blocks); returns the grid's total.
template <class Slot>
int64_t assign_blocks(std::vector<Slot>& slots) {
  std::vector<int64_t> numels;
  for (const Slot& slot : slots) numels.push_back(slot.n);
  const std::vector<int64_t> first = first_blocks(numels);
  for (size_t i = 0; i < slots.size(); ++i) slots[i].blocks = {first[i], first[i + 1] - first[i]};
  return first.back();
}

}  // namespace

void adamw_step(const std::vector<AdamWTensors>& tensors, const AdamWScalars& s) {
  if (tensors.empty()) return;
  const Device device = tensors.front().param.device();
  set_device(device);
  std::vector<AdamWSlot> slots;
  for (const AdamWTensors& t : tensors)
    slots.push_back({t.param.data<float>(), t.grad.data<float>(), t.m.data<float>(), t.v.data<float>(), t.param.numel(), t.decay, {}});
  const int64_t blocks = assign_blocks(slots);
  const Tensor device_slots = upload(slots, device);
  adamw_kernel<<<static_cast<unsigned>(blocks), kThreads, 0, stream(device)>>>(
      static_cast<const AdamWSlot*>(device_slots.raw_data()), static_cast<int>(slots.size()), s);
  TESSERA_CUDA_CHECK_LAUNCH();
}

double global_norm(const std::vector<Tensor>& grads) {
  if (grads.empty()) return 0.0;
  const Device device = grads.front().device();
  set_device(device);
  std::vector<NormSlot> slots;
  for (const Tensor& g : grads) slots.push_back({g.data<float>(), g.numel(), {}});
  const int64_t n_partial = assign_blocks(slots);
  const Tensor device_slots = upload(slots, device);
  Tensor partial = Tensor::empty({n_partial}, DType::f64, device);
  Tensor total = Tensor::empty({1}, DType::f64, device);
  squares_kernel<<<static_cast<unsigned>(n_partial), kThreads, 0, stream(device)>>>(
      static_cast<const NormSlot*>(device_slots.raw_data()), static_cast<int>(slots.size()), partial.data<double>());
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
