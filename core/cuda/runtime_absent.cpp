// The CUDA runtime of a build without CUDA: nothing is available, and asking for a device says why.
#include "core/cuda/runtime.h"
#include "core/util/error.h"

namespace tessera::cuda {
namespace {

[[noreturn]] void no_cuda() {
  throw Error("this tessera was built without CUDA (install the CUDA toolkit and configure with -DTESSERA_CUDA=ON)");
}

}  // namespace

bool built() { return false; }
int device_count() { return 0; }
void require_device(Device) { no_cuda(); }
Allocator& device_allocator() { no_cuda(); }
void copy_bytes(void*, Device, const void*, Device, size_t) { no_cuda(); }
void synchronize(Device) { no_cuda(); }
std::string device_name(Device) { no_cuda(); }

}  // namespace tessera::cuda
