#pragma once
// Which stream a copy between two places is queued on, and which other device's stream it must
// wait for first. Every device orders its work on one stream, so a copy between two GPUs queued on
// the destination's stream would otherwise read the source while the source's stream may still be
// writing it. Host logic without CUDA headers, tested without a GPU.
#include <optional>

#include "core/device/device.h"

namespace tessera::cuda {

struct CopyPlan {
  Device copy_on;                  // the device whose stream carries the copy
  std::optional<Device> wait_for;  // a device whose stream's queued work the copy waits for
};

// dst and src are not both the CPU.
CopyPlan plan_copy(Device dst, Device src);

}  // namespace tessera::cuda
