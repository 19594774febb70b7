#include "core/cuda/check.cuh"
#include "core/cuda/event_timer.h"

namespace tessera::cuda {
namespace {

struct Event {
  cudaEvent_t event = nullptr;
  Event() { TESSERA_CUDA_CHECK(cudaEventCreate(&event)); }
  ~Event() { cudaEventDestroy(event); }
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
};

}  // namespace

double elapsed_ms(Device device, const std::function<void()>& work) {
  set_device(device);
  const Event start, stop;
  TESSERA_CUDA_CHECK(cudaEventRecord(start.event, stream(device)));
  work();
  TESSERA_CUDA_CHECK(cudaEventRecord(stop.event, stream(device)));
  TESSERA_CUDA_CHECK(cudaEventSynchronize(stop.event));
  float ms = 0;
  TESSERA_CUDA_CHECK(cudaEventElapsedTime(&ms, start.event, stop.event));
  return ms;
}

}  // namespace tessera::cuda
