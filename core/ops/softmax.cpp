#include <cmath>

#include "core/autograd/autograd.h"
#include "core/ops/cpu/dispatch.h"
#include "core/ops/cpu/softmax_rows.h"
#include "core/ops/cuda/softmax.h"
#include "core/ops/cuda_call.h"
#include "core/ops/ops.h"

namespace tessera::ops {

Tensor softmax(const Tensor& x_in) {
  Tensor x = contiguous(x_in).detach();
  TESSERA_CHECK(x.dim() >= 1, "softmax: needs at least one dimension");
  const int64_t cols = x.size(-1), rows = cols ? x.numel() / cols : 0;
  Tensor out = Tensor::empty(x.shape(), x.dtype(), x.device());
  if (on_cuda(x))
    TESSERA_CUDA_CALL(cuda::softmax_forward(x, rows, cols, out));
  else
    cpu::dispatch_floating(x.dtype(), "softmax", [&](auto tag) {
      using T = decltype(tag);
      const T* px = x.data<T>();
      T* po = out.data<T>();
#pragma omp parallel for schedule(static) if (rows * cols > 32768)
      for (int64_t r = 0; r < rows; ++r) cpu::softmax_row(px + r * cols, po + r * cols, cols);
    });
  if (autograd::needs_graph({x_in})) {
    Tensor y = out.detach();
    autograd::record(out, {x_in}, [y, rows, cols](std::vector<Tensor>& in, const Tensor& g_in) {
      Tensor g = contiguous(g_in);
      Tensor gx = Tensor::empty(y.shape(), y.dtype(), y.device());
      if (on_cuda(y))
        TESSERA_CUDA_CALL(cuda::softmax_backward(y, g, rows, cols, gx));
      else
        cpu::dispatch_floating(y.dtype(), "softmax", [&](auto tag) {
          using T = decltype(tag);
#pragma omp parallel for schedule(static) if (rows * cols > 32768)
          for (int64_t r = 0; r < rows; ++r)
            cpu::softmax_row_backward(y.data<T>() + r * cols, g.data<T>() + r * cols, gx.data<T>() + r * cols, cols);
        });
      autograd::add_grad(in, 0, gx);
    });
  }
  return out;
}

}  // namespace tessera::ops
