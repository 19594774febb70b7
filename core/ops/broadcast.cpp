#include "core/ops/broadcast.h"

#include "core/ops/cpu/dispatch.h"
#include "core/ops/cuda/reduction.h"
#include "core/ops/cuda_call.h"
#include "core/util/error.h"

namespace tessera::ops {

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  const size_t nd = std::max(a.size(), b.size());
  Shape out(nd);
  for (size_t i = 0; i < nd; ++i) {
    const int64_t da = i < nd - a.size() ? 1 : a[i - (nd - a.size())];
    const int64_t db = i < nd - b.size() ? 1 : b[i - (nd - b.size())];
    TESSERA_CHECK(da == db || da == 1 || db == 1,
                  std::string(op) + ": shapes " + shape_str(a) + " and " + shape_str(b) + " do not broadcast");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

Shape broadcast_strides(const Shape& shape, const Shape& target) {
  Shape own = contiguous_strides(shape);
  Shape st(target.size(), 0);
  const size_t lead = target.size() - shape.size();
  for (size_t i = 0; i < shape.size(); ++i) st[lead + i] = shape[i] == 1 ? 0 : own[i];
  return st;
}

Tensor sum_to(const Tensor& g, const Shape& shape) {
  if (g.shape() == shape) return g;
  Tensor gc = g.is_contiguous() ? g : g.contiguous_copy();
  if (on_cuda(gc)) {
    Tensor out = Tensor::empty(shape, g.dtype(), g.device());
    TESSERA_CUDA_CALL(cuda::sum_to(gc, out));
    return out;
  }
  Tensor out = Tensor::zeros(shape, g.dtype());
  const Shape st = broadcast_strides(shape, g.shape());
  cpu::dispatch_floating(g.dtype(), "sum_to", [&](auto tag) {
    using T = decltype(tag);
    const T* src = gc.data<T>();
    T* dst = out.data<T>();
    const Shape& gs = g.shape();
    const int64_t nd = static_cast<int64_t>(gs.size());
    const int64_t n = gc.numel();
    std::vector<int64_t> idx(nd, 0);
    int64_t off = 0;
    for (int64_t i = 0; i < n; ++i) {
      dst[off] += src[i];
      for (int64_t d = nd - 1; d >= 0; --d) {
        if (++idx[d] < gs[d]) {
          off += st[d];
          break;
        }
        off -= st[d] * (gs[d] - 1);
        idx[d] = 0;
      }
    }
  });
  return out;
}

}  // namespace tessera::ops
