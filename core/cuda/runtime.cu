#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "core/cuda/check.cuh"
#include "core/cuda/copy_plan.h"
#include "core/cuda/runtime.h"
#include "core/cuda/staging_ring.h"

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

namespace {

// Pinned host memory that host-to-device copies pass through, one ring per device (see
// staging_ring.h), with the event recorded after each staged copy, oldest first.
class Staging {
 public:
  static constexpr size_t kCapacity = size_t{32} << 20;

  // Queues the copy and returns without waiting for the device; false when it cannot be staged.
  bool copy(void* dst, const void* src, size_t bytes, int device_index) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!ring_.fits(bytes) || !pinned()) return false;
    const StagingRing::Region region = ring_.reserve(bytes);
    if (region.wait_for) wait_until(*region.wait_for);
    char* staged = static_cast<char*>(pinned_) + region.offset;
    std::memcpy(staged, src, bytes);
    cudaStream_t s = stream(device_index);
    TESSERA_CUDA_CHECK(cudaMemcpyAsync(dst, staged, bytes, cudaMemcpyHostToDevice, s));
    cudaEvent_t copied = free_events_.empty() ? new_event() : free_events_.back();
    if (!free_events_.empty()) free_events_.pop_back();
    TESSERA_CUDA_CHECK(cudaEventRecord(copied, s));
    in_flight_.push_back({region.ticket, copied});
    return true;
  }
  // The device's stream was synchronized: every staged copy has finished.
  void all_finished() {
    std::lock_guard<std::mutex> lock(mutex_);
    ring_.all_finished();
    for (const auto& entry : in_flight_) free_events_.push_back(entry.second);
    in_flight_.clear();
  }

 private:
  // Allocated on the first copy, so a process that never copies to the device pins nothing; a
  // failed allocation (pinned memory is limited) leaves copies unstaged.
  bool pinned() {
    if (!pinned_ && !pinning_failed_) {
      if (cudaHostAlloc(&pinned_, kCapacity, cudaHostAllocDefault) != cudaSuccess) {
        cudaGetLastError();
        pinned_ = nullptr;
        pinning_failed_ = true;
      }
    }
    return pinned_ != nullptr;
  }
  void wait_until(uint64_t ticket) {
    while (!in_flight_.empty() && in_flight_.front().first <= ticket) {
      const auto [t, event] = in_flight_.front();
      if (t == ticket) TESSERA_CUDA_CHECK(cudaEventSynchronize(event));
      free_events_.push_back(event);
      in_flight_.pop_front();
    }
  }
  static cudaEvent_t new_event() {
    cudaEvent_t event;
    TESSERA_CUDA_CHECK(cudaEventCreateWithFlags(&event, cudaEventDisableTiming));
    return event;
  }

  std::mutex mutex_;
  StagingRing ring_{kCapacity};
  void* pinned_ = nullptr;
  bool pinning_failed_ = false;
  std::deque<std::pair<uint64_t, cudaEvent_t>> in_flight_;
  std::vector<cudaEvent_t> free_events_;
};

// Never destroyed: pinned memory and events are released with the process.
Staging& staging(int device_index) {
  static std::mutex mutex;
  static std::vector<std::unique_ptr<Staging>>* rings = new std::vector<std::unique_ptr<Staging>>();
  std::lock_guard<std::mutex> lock(mutex);
  if (rings->empty()) rings->resize(static_cast<size_t>(device_count()));
  auto& ring = rings->at(static_cast<size_t>(device_index));
  if (!ring) ring = std::make_unique<Staging>();
  return *ring;
}

}  // namespace

void copy_bytes(void* dst, Device dst_device, const void* src, Device src_device, size_t bytes) {
  if (bytes == 0) return;
  if (src_device.is_cpu()) {
    set_device(dst_device);
    if (staging(dst_device.index).copy(dst, src, bytes, dst_device.index)) return;
  }
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
  synchronize(on);
}

void synchronize(Device device) {
  set_device(device);
  TESSERA_CUDA_CHECK(cudaStreamSynchronize(stream(device)));
  staging(device.index).all_finished();
}

std::string device_name(Device device) {
  require_device(device);
  cudaDeviceProp prop{};
  TESSERA_CUDA_CHECK(cudaGetDeviceProperties(&prop, device.index));
  return prop.name;
}

}  // namespace tessera::cuda
