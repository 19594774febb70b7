#include "core/autograd/autograd.h"
#include "core/ops/cpu/dispatch.h"
#include "core/ops/cuda/reduction.h"
#include "core/ops/cuda_call.h"
#include "core/ops/ops.h"

namespace tessera::ops {
namespace {

// Sum over dimension `dim` of a contiguous tensor viewed as [outer, n, inner], times `factor`.
Tensor reduce_dim(const Tensor& x_in, int64_t dim, bool keepdim, double factor, const char* name) {
  Tensor x = contiguous(x_in).detach();
  const int64_t nd = x.dim();
  if (dim < 0) dim += nd;
  TESSERA_CHECK(dim >= 0 && dim < nd, std::string(name) + ": dimension out of range");
  const Shape& s = x.shape();
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < dim; ++d) outer *= s[d];
  for (int64_t d = dim + 1; d < nd; ++d) inner *= s[d];
  const int64_t n = s[dim];
  Shape kept = s;
  kept[dim] = 1;
  Tensor out = Tensor::empty(kept, x.dtype(), x.device());
  if (on_cuda(x))
    TESSERA_CUDA_CALL(cuda::sum_dim(x, outer, n, inner, factor, out));
  else
    cpu::dispatch_floating(x.dtype(), name, [&](auto tag) {
      using T = decltype(tag);
      const T* px = x.data<T>();
      T* po = out.data<T>();
#pragma omp parallel for if (outer * n * inner > 65536) schedule(static)
      for (int64_t o = 0; o < outer; ++o) {
        T* row = po + o * inner;
        for (int64_t j = 0; j < inner; ++j) row[j] = 0;
        for (int64_t i = 0; i < n; ++i) {
          const T* src = px + (o * n + i) * inner;
          for (int64_t j = 0; j < inner; ++j) row[j] += src[j];
        }
        for (int64_t j = 0; j < inner; ++j) row[j] *= static_cast<T>(factor);
      }
    });
  if (autograd::needs_graph({x_in}))
    autograd::record(out, {x_in}, [s, kept, factor](std::vector<Tensor>& in, const Tensor& g) {
      Tensor gk = reshape(g, kept);
      Tensor expanded = add(Tensor::zeros(s, g.dtype(), g.device()), gk);
      autograd::add_grad(in, 0, factor == 1.0 ? expanded : scale(expanded, factor));
    });
  if (keepdim) return out;
  Shape squeezed = s;
  squeezed.erase(squeezed.begin() + dim);
  return reshape(out, squeezed);
}

}  // namespace

Tensor sum(const Tensor& x, int64_t dim, bool keepdim) { return reduce_dim(x, dim, keepdim, 1.0, "sum"); }

Tensor mean(const Tensor& x, int64_t dim, bool keepdim) {
  const int64_t d = dim < 0 ? dim + x.dim() : dim;
  TESSERA_CHECK(d >= 0 && d < x.dim() && x.size(d) > 0, "mean: empty or bad dimension");
  return reduce_dim(x, dim, keepdim, 1.0 / static_cast<double>(x.size(d)), "mean");
}

Tensor sum(const Tensor& x) { return reshape(sum(reshape(x, {1, x.numel()}), 1, false), {}); }

Tensor mean(const Tensor& x) {
  TESSERA_CHECK(x.numel() > 0, "mean: empty tensor");
  return reshape(mean(reshape(x, {1, x.numel()}), 1, false), {});
}

}  // namespace tessera::ops
