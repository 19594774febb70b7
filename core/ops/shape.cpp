#include "core/autograd/autograd.h"
#include "core/ops/ops.h"
#include "core/util/error.h"

namespace tessera::ops {
namespace {

int64_t wrap_dim(int64_t d, int64_t nd, const char* op) {
  if (d < 0) d += nd;
  TESSERA_CHECK(d >= 0 && d < nd, std::string(op) + ": dimension out of range");
  return d;
}

}  // namespace

Tensor contiguous(const Tensor& x) {
  if (x.is_contiguous()) return x;
  Tensor out = x.contiguous_copy();
  if (autograd::needs_graph({x}))
    autograd::record(out, {x}, [](std::vector<Tensor>& in, const Tensor& g) { autograd::add_grad(in, 0, g); });
  return out;
}

Tensor reshape(const Tensor& x, Shape shape) {
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      TESSERA_CHECK(infer < 0, "reshape: more than one -1");
      infer = static_cast<int64_t>(i);
    } else {
      known *= shape[i];
    }
  }
  if (infer >= 0) shape[infer] = known ? x.numel() / known : 0;
  TESSERA_CHECK(shape_numel(shape) == x.numel(),
                "reshape: cannot view " + shape_str(x.shape()) + " as " + shape_str(shape));
  Tensor src = contiguous(x);
  Tensor out = src.as_strided(shape, contiguous_strides(shape), src.offset());
  if (autograd::needs_graph({src})) {
    Shape in_shape = src.shape();
    autograd::record(out, {src}, [in_shape](std::vector<Tensor>& in, const Tensor& g) {
      Tensor gc = g.is_contiguous() ? g : g.contiguous_copy();
      autograd::add_grad(in, 0, gc.as_strided(in_shape, contiguous_strides(in_shape), gc.offset()));
    });
  }
  return out;
}

Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1) {
  dim0 = wrap_dim(dim0, x.dim(), "transpose");
  dim1 = wrap_dim(dim1, x.dim(), "transpose");
  Shape shape = x.shape(), strides = x.strides();
  std::swap(shape[dim0], shape[dim1]);
  std::swap(strides[dim0], strides[dim1]);
  Tensor out = x.as_strided(shape, strides, x.offset());
  if (autograd::needs_graph({x}))
    autograd::record(out, {x}, [dim0, dim1](std::vector<Tensor>& in, const Tensor& g) {
      Shape s = g.shape(), st = g.strides();
      std::swap(s[dim0], s[dim1]);
      std::swap(st[dim0], st[dim1]);
      autograd::add_grad(in, 0, g.as_strided(s, st, g.offset()));
    });
  return out;
}

Tensor slice(const Tensor& x, int64_t dim, int64_t start, int64_t end, int64_t step) {
  dim = wrap_dim(dim, x.dim(), "slice");
  const int64_t n = x.size(dim);
  if (start < 0) start += n;
  if (end < 0) end += n;
  end = std::min(end, n);
  TESSERA_CHECK(step > 0 && start >= 0 && start <= end,
                "slice: bad range " + std::to_string(start) + ":" + std::to_string(end) + " of " + std::to_string(n));
  Shape shape = x.shape(), strides = x.strides();
  shape[dim] = (end - start + step - 1) / step;
  strides[dim] *= step;
  Tensor out = x.as_strided(shape, strides, x.offset() + start * x.stride(dim));
  if (autograd::needs_graph({x})) {
    Shape in_shape = x.shape();
    autograd::record(out, {x}, [=](std::vector<Tensor>& in, const Tensor& g) {
      if (!in[0].requires_grad()) return;
      Shape st = contiguous_strides(in_shape);
      const int64_t off = start * st[dim];
      st[dim] *= step;
      in[0].accumulate_grad_window(g, st, off);
    });
  }
  return out;
}

Tensor concat(const std::vector<Tensor>& xs, int64_t dim) {
  TESSERA_CHECK(!xs.empty(), "concat: no tensors");
  dim = wrap_dim(dim, xs[0].dim(), "concat");
  Shape shape = xs[0].shape();
  shape[dim] = 0;
  for (const Tensor& t : xs) {
    TESSERA_CHECK(t.dim() == xs[0].dim() && t.dtype() == xs[0].dtype(), "concat: rank or dtype differs");
    for (int64_t d = 0; d < t.dim(); ++d)
      TESSERA_CHECK(d == dim || t.size(d) == xs[0].size(d),
                    "concat: shapes " + shape_str(xs[0].shape()) + " and " + shape_str(t.shape()) + " differ off dim");
    shape[dim] += t.size(dim);
  }
  Tensor out = Tensor::empty(shape, xs[0].dtype(), xs[0].device());
  std::vector<int64_t> widths;
  int64_t start = 0;
  for (const Tensor& t : xs) {
    TESSERA_CHECK(t.device() == out.device(), "concat: tensors on " + out.device().str() + " and " + t.device().str());
    // Each input fills its window of the output, a strided view on any device.
    out.as_strided(t.shape(), out.strides(), start * out.stride(dim)).copy_(t);
    start += t.size(dim);
    widths.push_back(t.size(dim));
  }
  if (autograd::needs_graph(xs))
    autograd::record(out, xs, [dim, widths](std::vector<Tensor>& in, const Tensor& g) {
      int64_t start = 0;
      for (size_t i = 0; i < in.size(); ++i) {
        if (in[i].requires_grad()) {
          Tensor part = Tensor(g).detach();
          Shape s = part.shape(), st = part.strides();
          int64_t off = part.offset() + start * st[dim];
          s[dim] = widths[i];
          in[i].accumulate_grad(part.as_strided(s, st, off).contiguous_copy());
        }
        start += widths[i];
      }
    });
  return out;
}

}  // namespace tessera::ops
