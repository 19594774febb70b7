#include "core/autograd/autograd.h"
#include "core/ops/cpu/dispatch.h"
#include "core/ops/cuda/dropout.h"
#include "core/ops/cuda_call.h"
#include "core/ops/ops.h"
#include "core/util/rng.h"

namespace tessera::ops {
namespace {

// y = x * keep / (1 - p), keep = uniform(seed, offset + i) >= p. The backward pass applies the
// same function to the gradient, regenerating the mask instead of storing it.
Tensor apply_mask(const Tensor& x_in, double p, uint64_t seed, uint64_t offset) {
  Tensor x = contiguous(x_in).detach();
  Tensor out = Tensor::empty(x.shape(), x.dtype(), x.device());
  if (on_cuda(x)) {
    TESSERA_CUDA_CALL(cuda::dropout_forward(x, p, seed, offset, out));
    return out;
  }
  cpu::dispatch_floating(x.dtype(), "dropout", [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* po = out.data<T>();
    const T keep_scale = static_cast<T>(1.0 / (1.0 - p));
    const int64_t n = x.numel();
#pragma omp parallel for schedule(static) if (n > 32768)
    for (int64_t i = 0; i < n; ++i)
      po[i] = random_uniform(seed, offset + static_cast<uint64_t>(i)) >= p ? px[i] * keep_scale : T(0);
  });
  return out;
}

}  // namespace

Tensor dropout(const Tensor& x, double p, uint64_t seed, uint64_t offset) {
  TESSERA_CHECK(p >= 0 && p < 1, "dropout: p must be in [0, 1)");
  if (p == 0) return x;
  Tensor out = apply_mask(x, p, seed, offset);
  if (autograd::needs_graph({x}))
    autograd::record(out, {x}, [p, seed, offset](std::vector<Tensor>& in, const Tensor& g) {
      autograd::add_grad(in, 0, apply_mask(g, p, seed, offset));
    });
  return out;
}

}  // namespace tessera::ops
