#include "core/tensor/storage.h"

#include <cstdlib>
#include <new>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/cuda/runtime.h"
#include "core/util/error.h"

namespace tessera {
namespace {

// 64-byte alignment: one cache line, and what AVX-512 loads want. Freed blocks are kept by size
// class and reused: a training step allocates the same shapes every time, and fresh pages from
// the kernel cost a page fault each (they were a tenth of a step before this cache).
class CpuAllocator : public Allocator {
 public:
  ~CpuAllocator() override {
    for (auto& [size, blocks] : free_)
      for (void* p : blocks) std::free(p);
  }
  void* allocate(size_t bytes, Device) override {
    const size_t size = size_class(bytes);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = free_.find(size);
      if (it != free_.end() && !it->second.empty()) {
        void* p = it->second.back();
        it->second.pop_back();
        return p;
      }
    }
    void* p = std::aligned_alloc(64, size);
    if (!p) throw std::bad_alloc();
    return p;
  }
  void deallocate(void* ptr, size_t bytes, Device) override {
    std::lock_guard<std::mutex> lock(mutex_);
    free_[size_class(bytes)].push_back(ptr);
  }

 private:
  // Multiples of 64 bytes up to 4 KiB, then four classes per power of two (at most 25% slack).
  static size_t size_class(size_t bytes) {
    if (bytes <= 4096) return bytes == 0 ? 64 : (bytes + 63) / 64 * 64;
    size_t pow2 = 4096;
    while (pow2 * 2 < bytes) pow2 *= 2;
    const size_t step = pow2 / 4;
    return (bytes + step - 1) / step * step;
  }
  std::mutex mutex_;
  std::unordered_map<size_t, std::vector<void*>> free_;
};

}  // namespace

Allocator& allocator_for(DeviceType type) {
  static CpuAllocator cpu;
  return type == DeviceType::cpu ? static_cast<Allocator&>(cpu) : cuda::device_allocator();
}

Storage::Storage(size_t bytes, Device device) : bytes_(bytes), device_(device) {
  data_ = allocator_for(device.type).allocate(bytes, device);
}

Storage::~Storage() { allocator_for(device_.type).deallocate(data_, bytes_, device_); }

}  // namespace tessera
