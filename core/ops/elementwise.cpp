#include "core/autograd/autograd.h"
#include "core/ops/broadcast.h"
#include "core/ops/cpu/dispatch.h"
#include "core/ops/cuda/elementwise.h"
#include "core/ops/cuda_call.h"
#include "core/ops/ops.h"

namespace tessera::ops {
namespace {

using Binary = cuda::BinaryOp;

// out = a (op) b with broadcasting. The common cases (equal shapes; b repeating over leading
// dimensions of a, like a bias or a position table) run as flat vectorizable loops.
template <class T>
void binary_kernel(Binary op, const Tensor& a, const Tensor& b, Tensor& out) {
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  T* po = out.data<T>();
  const int64_t n = out.numel();
  auto apply = [op](T x, T y) { return op == Binary::add ? x + y : x * y; };
  if (a.shape() == b.shape()) {
#pragma omp parallel for simd if (n > 32768) schedule(static)
    for (int64_t i = 0; i < n; ++i) po[i] = apply(pa[i], pb[i]);
    return;
  }
  const int64_t nb = b.numel();
  if (a.shape() == out.shape() && nb > 0 && n % nb == 0 &&
      Shape(out.shape().end() - b.dim(), out.shape().end()) == b.shape()) {
    const int64_t rows = n / nb;
#pragma omp parallel for if (n > 32768) schedule(static)
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < nb; ++j) po[r * nb + j] = apply(pa[r * nb + j], pb[j]);
    return;
  }
  const Shape sa = broadcast_strides(a.shape(), out.shape());
  const Shape sb = broadcast_strides(b.shape(), out.shape());
  const Shape& os = out.shape();
  const int64_t nd = out.dim();
  std::vector<int64_t> idx(nd, 0);
  int64_t oa = 0, ob = 0;
  for (int64_t i = 0; i < n; ++i) {
    po[i] = apply(pa[oa], pb[ob]);
    for (int64_t d = nd - 1; d >= 0; --d) {
      if (++idx[d] < os[d]) {
        oa += sa[d];
        ob += sb[d];
        break;
      }
      oa -= sa[d] * (os[d] - 1);
      ob -= sb[d] * (os[d] - 1);
      idx[d] = 0;
    }
  }
}

Tensor binary(Binary op, const Tensor& a_in, const Tensor& b_in, const char* name) {
  TESSERA_CHECK(a_in.dtype() == b_in.dtype(), std::string(name) + ": dtypes differ");
  Tensor a = contiguous(a_in).detach(), b = contiguous(b_in).detach();
  TESSERA_CHECK(a.device() == b.device(), std::string(name) + ": tensors on " + a.device().str() + " and " + b.device().str());
  Tensor out = Tensor::empty(broadcast_shapes(a.shape(), b.shape(), name), a.dtype(), a.device());
  if (on_cuda(out))
    TESSERA_CUDA_CALL(cuda::binary_forward(op, a, b, out));
  else
    cpu::dispatch_floating(a.dtype(), name, [&](auto tag) { binary_kernel<decltype(tag)>(op, a, b, out); });
  if (autograd::needs_graph({a_in, b_in})) {
    autograd::record(out, {a_in, b_in}, [op, a, b](std::vector<Tensor>& in, const Tensor& g) {
      if (op == Binary::add) {
        if (autograd::wants_grad(in, 0)) in[0].accumulate_grad(sum_to(g, in[0].shape()));
        if (autograd::wants_grad(in, 1)) in[1].accumulate_grad(sum_to(g, in[1].shape()));
        return;
      }
      if (autograd::wants_grad(in, 0)) in[0].accumulate_grad(sum_to(mul(g, b), in[0].shape()));
      if (autograd::wants_grad(in, 1)) in[1].accumulate_grad(sum_to(mul(g, a), in[1].shape()));
    });
  }
  return out;
}

}  // namespace

Tensor add(const Tensor& a, const Tensor& b) { return binary(Binary::add, a, b, "add"); }
Tensor mul(const Tensor& a, const Tensor& b) { return binary(Binary::mul, a, b, "mul"); }

Tensor scale(const Tensor& x_in, double factor) {
  Tensor x = contiguous(x_in).detach();
  Tensor out = Tensor::empty(x.shape(), x.dtype(), x.device());
  if (on_cuda(x))
    TESSERA_CUDA_CALL(cuda::scale_forward(x, factor, out));
  else
    cpu::dispatch_floating(x.dtype(), "scale", [&](auto tag) {
      using T = decltype(tag);
      const T* px = x.data<T>();
      T* po = out.data<T>();
      const T f = static_cast<T>(factor);
      const int64_t n = x.numel();
#pragma omp parallel for simd if (n > 32768) schedule(static)
      for (int64_t i = 0; i < n; ++i) po[i] = px[i] * f;
    });
  if (autograd::needs_graph({x_in}))
    autograd::record(out, {x_in}, [factor](std::vector<Tensor>& in, const Tensor& g) {
      autograd::add_grad(in, 0, scale(g, factor));
    });
  return out;
}

}  // namespace tessera::ops
