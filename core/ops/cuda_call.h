#pragma once
// How an op reaches its CUDA kernels. Ops test `on_cuda(x)` and call the launcher (declared in
// core/ops/cuda/<op>.h) through TESSERA_CUDA_CALL (core/cuda/call.h).
#include "core/cuda/call.h"
#include "core/tensor/tensor.h"

namespace tessera::ops {

inline bool on_cuda(const Tensor& t) { return t.device().type == DeviceType::cuda; }
// t itself when it is on `device`, else a copy there (index tensors follow the data they index).
inline Tensor on_device(const Tensor& t, Device device) { return t.device() == device ? t : t.to(device); }

}  // namespace tessera::ops
