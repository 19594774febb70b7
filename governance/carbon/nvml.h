#pragma once
// NVIDIA GPU energy through NVML, loaded at run time with dlopen("libnvidia-ml.so.1", or the path
// in $TESSERA_NVML_LIBRARY for a driver outside the loader's path) so the binary runs (without
// GPU metering) on machines that have no NVIDIA driver.
#include <memory>
#include <string>
#include <vector>

#include "governance/carbon/energy_source.h"

namespace tessera::carbon {

// Which of `visible` GPUs (positions in the node's list) the rank at `local_rank` of `local_size`
// meters: positions i with i % local_size == local_rank. Every GPU of a node is metered by exactly
// one rank, whatever the numbers of ranks and GPUs.
std::vector<int> gpus_for_local_rank(int visible, int local_rank, int local_size);

// The NVML indices CUDA_VISIBLE_DEVICES names (integers; "GPU-<uuid>" entries are resolved by
// NVML); all `device_count` devices when it is unset. Exposed for tests through `value`.
struct VisibleGpu {
  int index = -1;     // NVML index, or -1 when `uuid` names it
  std::string uuid;
};
std::vector<VisibleGpu> parse_cuda_visible_devices(const char* value, int device_count);

// Energy of the GPUs this rank meters: NVML's total-energy counter (Volta and later) when every
// device supports it; otherwise power readings integrated over time (trapezoids between reads,
// so the meter's sampling interval sets the resolution). Null when NVML cannot be loaded or
// this rank meters no GPU.
std::unique_ptr<EnergySource> open_nvml_source(int local_rank, int local_size);

// Names of the GPUs a source from open_nvml_source meters (none for another source or null).
std::vector<std::string> gpu_names(const EnergySource* source);

}  // namespace tessera::carbon
