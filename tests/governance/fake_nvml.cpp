// A stand-in for libnvidia-ml.so.1 with the entry points Tessera uses, for tests on machines
// without an NVIDIA driver. FAKE_NVML_DEVICES devices (default 3) each draw a constant
// FAKE_NVML_WATTS (default 150); FAKE_NVML_NO_ENERGY=1 makes the energy counter unsupported, as
// on GPUs older than Volta, so power sampling must take over.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

constexpr int kSuccess = 0, kNotSupported = 3, kInvalidArgument = 2;
struct Device {
  int index;
};
Device devices[16] = {{0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}, {9}, {10}, {11}, {12}, {13}, {14}, {15}};

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

double seconds() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

double watts() { return env_int("FAKE_NVML_WATTS", 150); }

}  // namespace

extern "C" {

int nvmlInit_v2() { return kSuccess; }
int nvmlShutdown() { return kSuccess; }

int nvmlDeviceGetCount_v2(unsigned int* count) {
  *count = static_cast<unsigned int>(env_int("FAKE_NVML_DEVICES", 3));
  return kSuccess;
}

int nvmlDeviceGetHandleByIndex_v2(unsigned int index, Device** device) {
  if (index >= static_cast<unsigned int>(env_int("FAKE_NVML_DEVICES", 3))) return kInvalidArgument;
  *device = &devices[index];
  return kSuccess;
}

int nvmlDeviceGetHandleByUUID(const char* uuid, Device** device) {
  int index = -1;
  if (std::sscanf(uuid, "GPU-fake-%d", &index) != 1 || index < 0 || index >= env_int("FAKE_NVML_DEVICES", 3))
    return kInvalidArgument;
  *device = &devices[index];
  return kSuccess;
}

int nvmlDeviceGetName(Device* device, char* name, unsigned int length) {
  std::snprintf(name, length, "Fake GPU %d", device->index);
  return kSuccess;
}

// Millijoules since an arbitrary origin: constant power, so a meter must read the difference.
int nvmlDeviceGetTotalEnergyConsumption(Device*, unsigned long long* mj) {
  if (env_int("FAKE_NVML_NO_ENERGY", 0)) return kNotSupported;
  *mj = static_cast<unsigned long long>(seconds() * watts() * 1000.0);
  return kSuccess;
}

int nvmlDeviceGetPowerUsage(Device*, unsigned int* mw) {
  *mw = static_cast<unsigned int>(watts() * 1000.0);
  return kSuccess;
}

}
