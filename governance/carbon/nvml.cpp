#include "governance/carbon/nvml.h"

#include <dlfcn.h>

#include <chrono>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace tessera::carbon {
namespace {

// The few NVML entry points used, declared here so no NVIDIA header is needed at build time.
using nvmlReturn_t = int;
using nvmlDevice_t = struct nvmlDevice_st*;
constexpr nvmlReturn_t NVML_SUCCESS = 0;

struct NvmlApi {
  void* library = nullptr;
  nvmlReturn_t (*init)() = nullptr;
  nvmlReturn_t (*shutdown)() = nullptr;
  nvmlReturn_t (*device_count)(unsigned int*) = nullptr;
  nvmlReturn_t (*handle_by_index)(unsigned int, nvmlDevice_t*) = nullptr;
  nvmlReturn_t (*handle_by_uuid)(const char*, nvmlDevice_t*) = nullptr;
  nvmlReturn_t (*name)(nvmlDevice_t, char*, unsigned int) = nullptr;
  nvmlReturn_t (*total_energy_mj)(nvmlDevice_t, unsigned long long*) = nullptr;
  nvmlReturn_t (*power_mw)(nvmlDevice_t, unsigned int*) = nullptr;

  template <class F>
  bool bind(F& f, const char* symbol) {
    f = reinterpret_cast<F>(dlsym(library, symbol));
    return f != nullptr;
  }
  // Loads and initializes NVML; false (and nothing held) when the library or a symbol is missing.
  bool open() {
    const char* path = std::getenv("TESSERA_NVML_LIBRARY");
    library = dlopen(path && *path ? path : "libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!library) return false;
    const bool bound = bind(init, "nvmlInit_v2") && bind(shutdown, "nvmlShutdown") &&
                       bind(device_count, "nvmlDeviceGetCount_v2") &&
                       bind(handle_by_index, "nvmlDeviceGetHandleByIndex_v2") &&
                       bind(handle_by_uuid, "nvmlDeviceGetHandleByUUID") && bind(name, "nvmlDeviceGetName") &&
                       bind(total_energy_mj, "nvmlDeviceGetTotalEnergyConsumption") &&
                       bind(power_mw, "nvmlDeviceGetPowerUsage");
    if (!bound || init() != NVML_SUCCESS) {
      dlclose(library);
      library = nullptr;
      return false;
    }
    return true;
  }
  void close() {
    if (!library) return;
    shutdown();
    dlclose(library);
    library = nullptr;
  }
};

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

class NvmlSource final : public EnergySource {
 public:
  NvmlSource(NvmlApi api, std::vector<nvmlDevice_t> devices, std::vector<std::string> names)
      : api_(api), devices_(std::move(devices)), names_(std::move(names)) {
    counters_ = true;
    for (auto d : devices_) {
      unsigned long long mj = 0;
      counters_ = counters_ && api_.total_energy_mj(d, &mj) == NVML_SUCCESS;
      last_mj_.push_back(mj);
    }
    last_time_ = seconds_now();
    last_power_w_ = power_w();
  }
  ~NvmlSource() override { api_.close(); }

  Component component() const override { return Component::gpu; }
  std::string method() const override { return counters_ ? "nvml_energy_counter" : "nvml_power_sampling"; }
  std::string detail() const override {
    std::string list;
    for (const auto& n : names_) list += (list.empty() ? "" : ", ") + n;
    return std::to_string(names_.size()) + " GPU(s): " + list + (counters_ ? " (total-energy counter)" : " (power x time)");
  }
  double joules() override {
    if (counters_) {
      for (size_t i = 0; i < devices_.size(); ++i) {
        unsigned long long mj = 0;
        if (api_.total_energy_mj(devices_[i], &mj) != NVML_SUCCESS) continue;  // keep the last value: no energy lost
        total_j_ += static_cast<double>(mj - last_mj_[i]) * 1e-3;
        last_mj_[i] = mj;
      }
    } else {
      const double now = seconds_now(), watts = power_w();
      total_j_ += 0.5 * (watts + last_power_w_) * (now - last_time_);
      last_time_ = now;
      last_power_w_ = watts;
    }
    return total_j_;
  }
  const std::vector<std::string>& names() const { return names_; }

 private:
  double power_w() {
    double w = 0;
    for (auto d : devices_) {
      unsigned int mw = 0;
      if (api_.power_mw(d, &mw) == NVML_SUCCESS) w += mw * 1e-3;
    }
    return w;
  }

  NvmlApi api_;
  std::vector<nvmlDevice_t> devices_;
  std::vector<std::string> names_;
  bool counters_ = false;
  std::vector<unsigned long long> last_mj_;
  double last_time_ = 0, last_power_w_ = 0, total_j_ = 0;
};

}  // namespace

std::vector<int> gpus_for_local_rank(int visible, int local_rank, int local_size) {
  std::vector<int> mine;
  for (int i = 0; i < visible; ++i)
    if (i % local_size == local_rank) mine.push_back(i);
  return mine;
}

std::vector<VisibleGpu> parse_cuda_visible_devices(const char* value, int device_count) {
  std::vector<VisibleGpu> out;
  if (!value) {
    for (int i = 0; i < device_count; ++i) out.push_back({i, ""});
    return out;
  }
  std::istringstream in(value);
  for (std::string entry; std::getline(in, entry, ',');) {
    if (entry.rfind("GPU-", 0) == 0) {
      out.push_back({-1, entry});
      continue;
    }
    char* end = nullptr;
    const long index = std::strtol(entry.c_str(), &end, 10);
    // CUDA stops at the first invalid entry (e.g. -1 hides every device); MIG-<uuid> instances
    // have no energy counter of their own.
    if (entry.empty() || *end != '\0' || index < 0 || index >= device_count) break;
    out.push_back({static_cast<int>(index), ""});
  }
  return out;
}

std::unique_ptr<EnergySource> open_nvml_source(int local_rank, int local_size) {
  NvmlApi api;
  if (!api.open()) return nullptr;
  unsigned int count = 0;
  if (api.device_count(&count) != NVML_SUCCESS) count = 0;
  const std::vector<VisibleGpu> visible = parse_cuda_visible_devices(std::getenv("CUDA_VISIBLE_DEVICES"), static_cast<int>(count));
  std::vector<nvmlDevice_t> devices;
  std::vector<std::string> names;
  for (int position : gpus_for_local_rank(static_cast<int>(visible.size()), local_rank, local_size)) {
    const VisibleGpu& gpu = visible[static_cast<size_t>(position)];
    nvmlDevice_t handle = nullptr;
    const nvmlReturn_t rc = gpu.index >= 0 ? api.handle_by_index(static_cast<unsigned int>(gpu.index), &handle)
                                           : api.handle_by_uuid(gpu.uuid.c_str(), &handle);
    if (rc != NVML_SUCCESS) continue;
    char name[96] = {};
    if (api.name(handle, name, sizeof name) != NVML_SUCCESS) std::snprintf(name, sizeof name, "NVIDIA GPU");
    devices.push_back(handle);
    names.emplace_back(name);
  }
  if (devices.empty()) {
    api.close();
    return nullptr;
  }
  return std::make_unique<NvmlSource>(api, std::move(devices), std::move(names));
}

std::vector<std::string> gpu_names(const EnergySource* source) {
  auto* nvml = dynamic_cast<const NvmlSource*>(source);
  return nvml ? nvml->names() : std::vector<std::string>{};
}

}  // namespace tessera::carbon
