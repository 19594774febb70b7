#pragma once
#include <cstddef>

#include "core/device/device.h"

namespace tessera {

// Memory provider for one device type (the CPU pool in core/tensor, the CUDA pool in core/cuda).
class Allocator {
 public:
  virtual ~Allocator() = default;
  virtual void* allocate(size_t bytes, Device device) = 0;
  virtual void deallocate(void* ptr, size_t bytes, Device device) = 0;
};

}  // namespace tessera
