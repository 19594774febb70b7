#include <string>

#include "core/cuda/runtime.h"
#include "core/util/error.h"

namespace tessera::cuda {

Device usable_device(const std::string& text, const std::string& where) {
  Device device;
  try {
    device = Device::parse(text);
  } catch (const ConfigError& e) {
    throw ConfigError(where, e.what());
  }
  if (device.is_cpu()) return device;
  if (!built())
    throw ConfigError(where, "device " + device.str() + ": this tessera was built without CUDA (configure with -DTESSERA_CUDA=ON)");
  if (device.index >= device_count())
    throw ConfigError(where, "device " + device.str() + " is not available (" + std::to_string(device_count()) +
                                 " CUDA device(s) found)");
  return device;
}

}  // namespace tessera::cuda
