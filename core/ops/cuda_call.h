#pragma once
// How an op reaches its CUDA kernels. Ops test `on_cuda(x)` and call the launcher (declared in
// core/ops/cuda/<op>.h) through TESSERA_CUDA_CALL; in a build without CUDA no tensor can live on
// a CUDA device, so the call is never reached and compiles to a throw instead of a link error.
#include "core/tensor/tensor.h"
#include "core/util/error.h"

namespace tessera::ops {

inline bool on_cuda(const Tensor& t) { return t.device().type == DeviceType::cuda; }

}  // namespace tessera::ops

#if TESSERA_HAVE_CUDA
#define TESSERA_CUDA_CALL(call) call
#else
#define TESSERA_CUDA_CALL(call) throw ::tessera::Error("a CUDA tensor reached a build without CUDA")
#endif
