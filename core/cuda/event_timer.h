#pragma once
// Device-side timing for benchmarks, without CUDA headers.
#include <functional>

#include "core/device/device.h"

namespace tessera::cuda {

// Milliseconds between two CUDA events recorded on the device's stream before and after `work`
// queues its kernels; waits for that work to finish.
double elapsed_ms(Device device, const std::function<void()>& work);

}  // namespace tessera::cuda
