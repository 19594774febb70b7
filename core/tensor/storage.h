#pragma once
#include <cstddef>

#include "core/device/allocator.h"
#include "core/device/device.h"

namespace tessera {

Allocator& allocator_for(DeviceType type);

// One reference-counted block of memory (shared between a tensor and its views).
class Storage {
 public:
  Storage(size_t bytes, Device device);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() const { return data_; }
  size_t bytes() const { return bytes_; }
  Device device() const { return device_; }

 private:
  void* data_ = nullptr;
  size_t bytes_ = 0;
  Device device_;
};

}  // namespace tessera
