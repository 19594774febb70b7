// Device memory pool: cudaMalloc synchronizes the whole device, so freed blocks are kept by
// size class per device and handed out again; a training step then allocates nothing new.
#include <map>
#include <mutex>
#include <new>
#include <vector>

#include "core/cuda/check.cuh"
#include "core/cuda/runtime.h"

namespace tessera::cuda {
namespace {

class CachingAllocator final : public Allocator {
 public:
  void* allocate(size_t bytes, Device device) override {
    const size_t size = size_class(bytes);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto& blocks = free_[{device.index, size}];
      if (!blocks.empty()) {
        void* p = blocks.back();
        blocks.pop_back();
        return p;
      }
    }
    set_device(device);
    void* p = nullptr;
    if (cudaMalloc(&p, size) != cudaSuccess) {
      cudaGetLastError();
      release_cached(device);  // fragmentation: give the pool back to the driver and retry once
      if (cudaMalloc(&p, size) != cudaSuccess) {
        cudaGetLastError();
        throw std::bad_alloc();
      }
    }
    return p;
  }
  // Kernels that still use the block are queued on the device's single stream ahead of any
  // kernel that could receive the block next, so reuse without waiting is safe.
  void deallocate(void* ptr, size_t bytes, Device device) override {
    std::lock_guard<std::mutex> lock(mutex_);
    free_[{device.index, size_class(bytes)}].push_back(ptr);
  }

 private:
  static size_t size_class(size_t bytes) {
    if (bytes <= (1u << 20)) return bytes <= 512 ? 512 : (bytes + 511) / 512 * 512;
    size_t pow2 = 1u << 20;
    while (pow2 * 2 < bytes) pow2 *= 2;
    const size_t step = pow2 / 8;
    return (bytes + step - 1) / step * step;
  }
  void release_cached(Device device) {
    std::lock_guard<std::mutex> lock(mutex_);
    TESSERA_CUDA_CHECK(cudaStreamSynchronize(stream(device)));
    for (auto& [key, blocks] : free_) {
      if (key.first != device.index) continue;
      for (void* p : blocks) cudaFree(p);
      blocks.clear();
    }
  }
  std::mutex mutex_;
  std::map<std::pair<int, size_t>, std::vector<void*>> free_;
};

}  // namespace

Allocator& device_allocator() {
  static CachingAllocator* allocator = new CachingAllocator;  // never destroyed: outlives every tensor
  return *allocator;
}

}  // namespace tessera::cuda
