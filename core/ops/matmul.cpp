#include "core/autograd/autograd.h"
#include "core/ops/cpu/dispatch.h"
#include "core/ops/cpu/gemm.h"
#include "core/ops/cuda/gemm.h"
#include "core/ops/cuda_call.h"
#include "core/ops/ops.h"

namespace tessera::ops {
namespace {

struct MatmulDims {
  int64_t batch_a, batch_b, batch, m, n, k;
  Shape out_shape;
};

MatmulDims matmul_dims(const Tensor& a, const Tensor& b, bool ta, bool tb) {
  TESSERA_CHECK(a.dim() >= 2 && b.dim() >= 2, "matmul: operands need at least 2 dimensions, got " +
                                                  shape_str(a.shape()) + " and " + shape_str(b.shape()));
  TESSERA_CHECK(a.dtype() == b.dtype(), "matmul: dtypes differ");
  MatmulDims d{};
  d.m = ta ? a.size(-1) : a.size(-2);
  const int64_t ka = ta ? a.size(-2) : a.size(-1);
  d.k = tb ? b.size(-1) : b.size(-2);
  d.n = tb ? b.size(-2) : b.size(-1);
  TESSERA_CHECK(ka == d.k, "matmul: inner dimensions differ: " + shape_str(a.shape()) + " x " + shape_str(b.shape()));
  const Shape ba(a.shape().begin(), a.shape().end() - 2), bb(b.shape().begin(), b.shape().end() - 2);
  TESSERA_CHECK(ba == bb || ba.empty() || bb.empty(),
                "matmul: batch dimensions differ: " + shape_str(a.shape()) + " x " + shape_str(b.shape()));
  d.batch_a = shape_numel(ba);
  d.batch_b = shape_numel(bb);
  d.batch = std::max(d.batch_a, d.batch_b);
  d.out_shape = ba.empty() ? bb : ba;
  d.out_shape.push_back(d.m);
  d.out_shape.push_back(d.n);
  return d;
}

// C[batch] (+)= op(A) op(B) over contiguous operands; a plain-matrix operand is shared by all
// batches. A batch of one shared matrix against a batched operand folds into one big GEMM.
template <class T>
void batched_gemm(const Tensor& a, const Tensor& b, bool ta, bool tb, const MatmulDims& d, T* c, T beta) {
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  const int64_t lda = ta ? d.m : d.k, ldb = tb ? d.k : d.n;
  if (d.batch_b == 1 && !ta) {  // [batch*M, K] x [K, N]
    cpu::gemm(false, tb, d.batch_a * d.m, d.n, d.k, T(1), pa, lda, pb, ldb, beta, c, d.n);
    return;
  }
  const int64_t sa = d.batch_a == 1 ? 0 : d.m * d.k, sb = d.batch_b == 1 ? 0 : d.k * d.n;
  if (d.batch == 1 || d.m * d.n * d.k >= (1 << 21)) {
    for (int64_t i = 0; i < d.batch; ++i)
      cpu::gemm(ta, tb, d.m, d.n, d.k, T(1), pa + i * sa, lda, pb + i * sb, ldb, beta, c + i * d.m * d.n, d.n);
    return;
  }
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < d.batch; ++i)
    cpu::gemm(ta, tb, d.m, d.n, d.k, T(1), pa + i * sa, lda, pb + i * sb, ldb, beta, c + i * d.m * d.n, d.n);
}

// The same GEMMs on the device: a shared plain matrix on the right folds into one GEMM, as above.
// (Unused in a build without CUDA, where TESSERA_CUDA_CALL drops its call.)
[[maybe_unused]] cuda::GemmShape device_gemm_shape(const MatmulDims& d, bool ta, bool tb) {
  if (d.batch_b == 1 && !ta) return {false, tb, d.batch_a * d.m, d.n, d.k, 1, 0, 0};
  return {ta, tb, d.m, d.n, d.k, d.batch, d.batch_a == 1 ? 0 : d.m * d.k, d.batch_b == 1 ? 0 : d.k * d.n};
}

// The gradient of an operand shared across batches is the sum over those batches.
Tensor reduce_batch(const Tensor& g, const Shape& shape) {
  if (g.shape() == shape) return g;
  Shape stacked = shape;
  stacked.insert(stacked.begin(), -1);
  return sum(reshape(g, stacked), 0);
}

}  // namespace

Tensor matmul(const Tensor& a_in, const Tensor& b_in, bool ta, bool tb) {
  TESSERA_CHECK(a_in.device() == b_in.device(), "matmul: operands on " + a_in.device().str() + " and " + b_in.device().str());
  Tensor a = contiguous(a_in).detach(), b = contiguous(b_in).detach();
  const MatmulDims d = matmul_dims(a, b, ta, tb);
  Tensor out = Tensor::empty(d.out_shape, a.dtype(), a.device());
  if (on_cuda(a))
    TESSERA_CUDA_CALL(cuda::gemm(device_gemm_shape(d, ta, tb), a, b, out));
  else
    cpu::dispatch_floating(a.dtype(), "matmul", [&](auto tag) {
      using T = decltype(tag);
      batched_gemm<T>(a, b, ta, tb, d, out.data<T>(), T(0));
    });
  if (autograd::needs_graph({a_in, b_in})) {
    autograd::record(out, {a_in, b_in}, [a, b, ta, tb](std::vector<Tensor>& in, const Tensor& g_in) {
      Tensor g = contiguous(g_in);
      // C = op(A) op(B). dop(A) = dC op(B)^T and dop(B) = op(A)^T dC, transposed back when the
      // operand was used transposed.
      if (autograd::wants_grad(in, 0))
        in[0].accumulate_grad(reduce_batch(ta ? matmul(b, g, tb, true) : matmul(g, b, false, !tb), a.shape()));
      if (autograd::wants_grad(in, 1)) {
        Tensor gb;
        if (b.dim() == 2 && a.dim() > 2 && !ta) {
          // A weight shared by every batch: fold the batches into the rows of one GEMM.
          Tensor a2 = reshape(a, {-1, a.size(-1)}), g2 = reshape(g, {-1, g.size(-1)});
          gb = tb ? matmul(g2, a2, true, false) : matmul(a2, g2, true, false);
        } else {
          gb = reduce_batch(tb ? matmul(g, a, true, ta) : matmul(a, g, !ta, false), b.shape());
        }
        in[1].accumulate_grad(gb);
      }
    });
  }
  return out;
}

}  // namespace tessera::ops
