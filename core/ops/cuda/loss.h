#pragma once
// CUDA launchers of the losses; inputs contiguous, one floating dtype, on one CUDA device.
#include <cstdint>

#include "core/tensor/tensor.h"

namespace tessera::cuda {

// Fused softmax + cross-entropy over logits [rows, V] against targets [rows] (i32 or i64, already
// checked): loss (a 0-d tensor) = the mean over the `count` targets that are not ignore_index of
// logsumexp(row) - row[target], and dlogits = its gradient, (softmax(row) - onehot) / count, zero
// on ignored rows. Two passes over each row (online max and sum, then the gradient); the
// probabilities are never stored on their own.
void cross_entropy_forward(const Tensor& logits, const Tensor& targets, int64_t ignore_index, int64_t count,
                           const Tensor& dlogits, const Tensor& loss);
// diff = pred - target and loss (0-d) = mean(weight * diff^2); weight (of pred's shape) may be undefined.
void mse_forward(const Tensor& pred, const Tensor& target, const Tensor& weight, const Tensor& diff, const Tensor& loss);

}  // namespace tessera::cuda
