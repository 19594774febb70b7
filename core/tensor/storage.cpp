#include "core/tensor/storage.h"

#include <cstdlib>
#include <new>
#include <string>

#include "core/util/error.h"

namespace tessera {
namespace {

// 64-byte alignment: one cache line, and what AVX-512 loads want.
class CpuAllocator : public Allocator {
 public:
  void* allocate(size_t bytes) override {
    size_t rounded = (bytes + 63) / 64 * 64;
    void* p = std::aligned_alloc(64, rounded == 0 ? 64 : rounded);
    if (!p) throw std::bad_alloc();
    return p;
  }
  void deallocate(void* ptr, size_t) override { std::free(ptr); }
};

Allocator*& slot(DeviceType type) {
  static Allocator* slots[2] = {nullptr, nullptr};
  return slots[static_cast<int>(type)];
}

}  // namespace

void register_allocator(DeviceType type, Allocator* allocator) { slot(type) = allocator; }

Allocator& allocator_for(DeviceType type) {
  static CpuAllocator cpu;
  if (type == DeviceType::cpu) return slot(type) ? *slot(type) : cpu;
  if (!slot(type)) throw Error("no allocator for device type cuda: this build has no CUDA backend");
  return *slot(type);
}

Storage::Storage(size_t bytes, Device device) : bytes_(bytes), device_(device) {
  data_ = allocator_for(device.type).allocate(bytes);
}

Storage::~Storage() { allocator_for(device_.type).deallocate(data_, bytes_); }

}  // namespace tessera
