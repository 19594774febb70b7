#include "core/device/device.h"

#include "core/util/error.h"

namespace tessera {

Device Device::parse(const std::string& text) {
  if (text == "cpu") return cpu();
  if (text == "cuda") return cuda(0);
  if (text.rfind("cuda:", 0) == 0) {
    const std::string num = text.substr(5);
    // At most 4 digits: no machine has 10,000 GPUs, and stoi would overflow on a longer number.
    if (!num.empty() && num.size() <= 4 && num.find_first_not_of("0123456789") == std::string::npos)
      return cuda(std::stoi(num));
  }
  throw ConfigError("", "unknown device '" + text + "' (allowed: cpu, cuda, cuda:N)");
}

std::string Device::str() const {
  return type == DeviceType::cpu ? "cpu" : "cuda:" + std::to_string(index);
}

}  // namespace tessera
