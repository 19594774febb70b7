#pragma once
// Error checks and the per-device stream shared by every CUDA source file.
#include <cuda_runtime.h>

#include <string>

#include "core/device/device.h"
#include "core/util/error.h"

namespace tessera::cuda {

[[noreturn]] void fail(const char* what, const char* call, const char* file, int line);

// All work of a device goes to one stream per device, created on first use: the engine is
// single-stream, so ordering on that stream is all the synchronization kernels need.
cudaStream_t stream(int device_index);
inline cudaStream_t stream(Device device) { return stream(device.index); }

// Makes `device` current for the calling thread (kernels launch on the current device).
void set_device(Device device);

}  // namespace tessera::cuda

#define TESSERA_CUDA_CHECK(call)                                                      \
  do {                                                                                \
    cudaError_t tessera_status_ = (call);                                             \
    if (tessera_status_ != cudaSuccess)                                               \
      ::tessera::cuda::fail(cudaGetErrorString(tessera_status_), #call, __FILE__, __LINE__); \
  } while (0)

// Checks a CUDA library call (cuBLAS, cuFFT): `describe` turns a failed status into text.
#define TESSERA_CUDA_LIBRARY_CHECK(call, success, describe)                                            \
  do {                                                                                                 \
    const auto tessera_status_ = (call);                                                               \
    if (tessera_status_ != (success))                                                                  \
      ::tessera::cuda::fail(std::string(describe(tessera_status_)).c_str(), #call, __FILE__, __LINE__); \
  } while (0)

// Checks the launch of the kernel just queued (bad configuration, no kernel image for this GPU).
#define TESSERA_CUDA_CHECK_LAUNCH() TESSERA_CUDA_CHECK(cudaGetLastError())
