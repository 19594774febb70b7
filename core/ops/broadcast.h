#pragma once
#include "core/tensor/tensor.h"

namespace tessera::ops {

// numpy broadcasting of two shapes; throws ShapeError naming the op when they do not broadcast.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);
// Strides that read a contiguous tensor of `shape` as if it had `target` shape (0 on broadcast dims).
Shape broadcast_strides(const Shape& shape, const Shape& target);
// Sums g (of a broadcast shape) down to `shape`: the gradient of broadcasting.
Tensor sum_to(const Tensor& g, const Shape& shape);

}  // namespace tessera::ops
