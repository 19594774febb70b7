#include <mutex>
#include <vector>

#include "core/cuda/check.cuh"
#include "core/cuda/copy_plan.h"
#include "core/cuda/runtime.h"

namespace tessera::cuda {

void fail(const char* what, const char* call, const char* file, int line) {
  throw Error(std::string("CUDA error: ") + what + " in " + call + " (" + file + ":" + std::to_string(line) + ")");
}

bool built() { return true; }

int device_count() {
  static const int count = [] {
    int n = 0;
    // No driver or no device both mean "no CUDA here", not an error.
    if (cudaGetDeviceCount(&n) != cudaSuccess) {
      cudaGetLastError();
      return 0;
    }
    return n;
  }();
  return count;
}

void require_device(Device device) {
  if (device.type != DeviceType::cuda) return;
  if (device.index < 0 || device.index >= device_count())
    throw Error("device " + device.str() + " is not available (" + std::to_string(device_count()) +
                " CUDA device(s) found)");
}

void set_device(Device device) {
  require_device(device);
  TESSERA_CUDA_CHECK(cudaSetDevice(device.index));
}

cudaStream_t stream(int device_index) {
  static std::mutex mutex;
  static std::vector<cudaStream_t> streams;
  std::lock_guard<std::mutex> lock(mutex);
  if (streams.empty()) streams.assign(static_cast<size_t>(device_count()), nullptr);
  if (device_index < 0 || device_index >= static_cast<int>(streams.size()))
    throw Error("no CUDA device " + std::to_string(device_index));
  cudaStream_t& s = streams[static_cast<size_t>(device_index)];
  if (!s) {
    TESSERA_CUDA_CHECK(cudaSetDevice(device_index));
    TESSERA_CUDA_CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
  }
  return s;
}

void copy_bytes(void* dst, Device dst_device, const void* src, Device src_device, size_t bytes) {
  if (bytes == 0) return;
  const CopyPlan plan = plan_copy(dst_device, src_device);
  const Device on = plan.copy_on;
  if (plan.wait_for) {
    // Destroying the event at once is allowed: its resources go when the device has reached it.
    set_device(*plan.wait_for);
    cudaEvent_t source_written;
    TESSERA_CUDA_CHECK(cudaEventCreateWithFlags(&source_written, cudaEventDisableTiming));
    TESSERA_CUDA_CHECK(cudaEventRecord(source_written, stream(*plan.wait_for)));
    set_device(on);
    TESSERA_CUDA_CHECK(cudaStreamWaitEvent(stream(on), source_written, 0));
    TESSERA_CUDA_CHECK(cudaEventDestroy(source_written));
  }
  set_device(on);
  TESSERA_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDefault, stream(on)));
  TESSERA_CUDA_CHECK(cudaStreamSynchronize(stream(on)));
}

void synchronize(Device device) {
  set_device(device);
  TESSERA_CUDA_CHECK(cudaStreamSynchronize(stream(device)));
}

std::string device_name(Device device) {
  require_device(device);
  cudaDeviceProp prop{};
  TESSERA_CUDA_CHECK(cudaGetDeviceProperties(&prop, device.index));
  return prop.name;
}

}  // namespace tessera::cuda
