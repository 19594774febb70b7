#pragma once
// How host code reaches a CUDA launcher. Callers test the tensor's device and call the launcher
// (declared in a plain C++ header) through TESSERA_CUDA_CALL; in a build without CUDA no tensor
// can live on a CUDA device, so the call is never reached and compiles to a throw instead of a
// link error.
#include "core/util/error.h"

#if TESSERA_HAVE_CUDA
#define TESSERA_CUDA_CALL(call) call
#else
#define TESSERA_CUDA_CALL(call) throw ::tessera::Error("a CUDA tensor reached a build without CUDA")
#endif
