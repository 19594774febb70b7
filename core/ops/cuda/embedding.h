#pragma once
// CUDA launchers of the embedding lookup; weight and gradients contiguous [V, D], indices
// contiguous i32 or i64 (already checked to lie in [0, V)), all on one CUDA device.
#include "core/tensor/tensor.h"

namespace tessera::cuda {

// out [n, D] = weight rows at the indices.
void embedding_forward(const Tensor& weight, const Tensor& indices, const Tensor& out);
// grad_weight [V, D] (zeroed by the caller) += the rows of grad_out [n, D], each at its index.
// Deterministic: rows sharing an index are summed in index order, as on the CPU.
void embedding_backward(const Tensor& grad_out, const Tensor& indices, const Tensor& grad_weight);

}  // namespace tessera::cuda
