#pragma once
// What the rest of the engine may ask of the CUDA backend without including CUDA headers. In a
// build without CUDA, `built()` is false, no device is ever available, and moving a tensor to a
// CUDA device fails with a message saying how to build with CUDA.
#include <cstddef>
#include <string>

#include "core/device/allocator.h"
#include "core/device/device.h"

namespace tessera::cuda {

bool built();
// Number of usable CUDA devices (0 when none is present, the driver is missing, or !built()).
int device_count();
inline bool available() { return device_count() > 0; }
// Throws an Error naming the device when it does not exist.
void require_device(Device device);
// Caching allocator for device memory (one pool per device).
Allocator& device_allocator();
// Copies bytes between host and device, or between devices; the host may read or reuse its buffer
// as soon as it returns. A host-to-device copy of up to 16 MB is staged in pinned memory and
// returns before the device has the bytes (the device's stream orders it before later work);
// every other copy waits until it is done.
void copy_bytes(void* dst, Device dst_device, const void* src, Device src_device, size_t bytes);
// Waits for all work queued on the device's stream.
void synchronize(Device device);
// The device's product name, e.g. "NVIDIA H200".
std::string device_name(Device device);
// Parses "cpu", "cuda" or "cuda:N" and checks that the device exists; a ConfigError naming
// `where` (a config key or flag) otherwise.
Device usable_device(const std::string& text, const std::string& where);

}  // namespace tessera::cuda
