#pragma once
#include <string>

#include "core/tensor/tensor.h"
#include "core/util/error.h"

namespace tessera::cpu {

// Calls f(T{}) with T = float or double according to dtype; ops instantiate their kernels for both.
template <class F>
decltype(auto) dispatch_floating(DType dtype, const char* op, F&& f) {
  switch (dtype) {
    case DType::f32: return f(float{});
    case DType::f64: return f(double{});
    default: throw ShapeError(std::string(op) + ": needs f32 or f64, got " + dtype_name(dtype));
  }
}

inline void require_cpu(const Tensor& t, const char* op) {
  if (!t.device().is_cpu())
    throw Error(std::string(op) + ": tensor on " + t.device().str() + " but this build runs it on cpu only");
}

// Reads an integer index tensor (i32 or i64) element i.
inline int64_t index_at(const Tensor& t, int64_t i) {
  return t.dtype() == DType::i32 ? t.data<int32_t>()[i] : t.data<int64_t>()[i];
}

}  // namespace tessera::cpu
