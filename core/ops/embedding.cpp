#include <cstring>

#include "core/autograd/autograd.h"
#include "core/ops/cpu/dispatch.h"
#include "core/ops/cuda/embedding.h"
#include "core/ops/cuda_call.h"
#include "core/ops/ops.h"

namespace tessera::ops {

Tensor embedding(const Tensor& weight_in, const Tensor& indices_in) {
  Tensor w = contiguous(weight_in).detach();
  Tensor idx = indices_in.contiguous_copy();
  TESSERA_CHECK(w.dim() == 2, "embedding: weight must be [V, D], got " + shape_str(w.shape()));
  TESSERA_CHECK(idx.dtype() == DType::i32 || idx.dtype() == DType::i64, "embedding: indices must be i32 or i64");
  const int64_t V = w.size(0), D = w.size(1), n = idx.numel();
  // Checked on the host, so a bad index is an error here and never a read out of bounds on a device.
  const Tensor host_idx = on_device(idx, Device::cpu());
  for (int64_t i = 0; i < n; ++i) {
    const int64_t t = cpu::index_at(host_idx, i);
    TESSERA_CHECK(t >= 0 && t < V, "embedding: index " + std::to_string(t) + " outside vocabulary of " + std::to_string(V));
  }
  idx = on_device(idx, w.device());
  Shape out_shape = idx.shape();
  out_shape.push_back(D);
  Tensor out = Tensor::empty(out_shape, w.dtype(), w.device());
  if (on_cuda(w)) {
    TESSERA_CUDA_CALL(cuda::embedding_forward(w, idx, out));
  } else {
    const size_t row = D * dtype_size(w.dtype());
    const char* src = static_cast<const char*>(w.raw_data());
    char* dst = static_cast<char*>(out.raw_data());
#pragma omp parallel for schedule(static) if (n * D > 65536)
    for (int64_t i = 0; i < n; ++i) std::memcpy(dst + i * row, src + cpu::index_at(idx, i) * row, row);
  }
  if (autograd::needs_graph({weight_in}))
    autograd::record(out, {weight_in}, [idx, V, D](std::vector<Tensor>& in, const Tensor& g_in) {
      Tensor g = contiguous(g_in);
      Tensor gw = Tensor::zeros({V, D}, g.dtype(), g.device());
      if (on_cuda(g)) {
        TESSERA_CUDA_CALL(cuda::embedding_backward(g, idx, gw));
        autograd::add_grad(in, 0, gw);
        return;
      }
      cpu::dispatch_floating(g.dtype(), "embedding", [&](auto tag) {
        using T = decltype(tag);
        const T* pg = g.data<T>();
        T* o = gw.data<T>();
        const int64_t n = idx.numel();
        // Split by column block so that repeated indices never race and the sum order is fixed.
#pragma omp parallel for schedule(static) if (n * D > 65536)
        for (int64_t c0 = 0; c0 < D; c0 += 16)
          for (int64_t i = 0; i < n; ++i) {
            T* dst = o + cpu::index_at(idx, i) * D;
            const T* src = pg + i * D;
            for (int64_t c = c0; c < std::min(D, c0 + 16); ++c) dst[c] += src[c];
          }
      });
      autograd::add_grad(in, 0, gw);
    });
  return out;
}

}  // namespace tessera::ops
