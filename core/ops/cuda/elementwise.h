#pragma once
// CUDA launchers of add, mul and scale; a, b and x contiguous, one dtype, on one CUDA device.
#include "core/tensor/tensor.h"

namespace tessera::cuda {

enum class BinaryOp { add, mul };

// out (contiguous, of the broadcast shape of a and b) = a (op) b with numpy broadcasting.
void binary_forward(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out);
void scale_forward(const Tensor& x, double factor, const Tensor& out);

}  // namespace tessera::cuda
