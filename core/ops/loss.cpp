#include <cmath>

#include "core/autograd/autograd.h"
#include "core/ops/broadcast.h"
#include "core/ops/cpu/dispatch.h"
#include "core/ops/cpu/softmax_rows.h"
#include "core/ops/cuda/loss.h"
#include "core/ops/cuda_call.h"
#include "core/ops/ops.h"

namespace tessera::ops {

Tensor cross_entropy(const Tensor& logits_in, const Tensor& targets_in, int64_t ignore_index) {
  Tensor logits = contiguous(logits_in).detach();
  Tensor targets = targets_in.contiguous_copy();
  const int64_t V = logits.size(-1), rows = logits.numel() / V;
  TESSERA_CHECK(targets.dtype() == DType::i32 || targets.dtype() == DType::i64, "cross_entropy: targets must be integers");
  TESSERA_CHECK(targets.numel() == rows, "cross_entropy: logits " + shape_str(logits.shape()) + " vs targets " +
                                             shape_str(targets.shape()));
  // Checked and counted on the host, so a bad target is an error and never a read out of bounds.
  const Tensor host_targets = on_device(targets, Device::cpu());
  int64_t count = 0;
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t t = cpu::index_at(host_targets, r);
    if (t == ignore_index) continue;
    TESSERA_CHECK(t >= 0 && t < V, "cross_entropy: target " + std::to_string(t) + " outside [0, " + std::to_string(V) + ")");
    ++count;
  }
  targets = on_device(targets, logits.device());
  Tensor dlogits = Tensor::empty(logits.shape(), logits.dtype(), logits.device());
  Tensor loss = Tensor::empty({}, logits.dtype(), logits.device());
  if (on_cuda(logits))
    TESSERA_CUDA_CALL(cuda::cross_entropy_forward(logits, targets, ignore_index, count, dlogits, loss));
  else
    cpu::dispatch_floating(logits.dtype(), "cross_entropy", [&](auto tag) {
      using T = decltype(tag);
      const T* px = logits.data<T>();
      T* pd = dlogits.data<T>();
      std::vector<double> row_loss(rows, 0.0);
      const T inv = count ? T(1) / static_cast<T>(count) : T(0);
#pragma omp parallel for schedule(static) if (rows * V > 16384)
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t t = cpu::index_at(targets, r);
        T* d = pd + r * V;
        if (t == ignore_index) {
          for (int64_t j = 0; j < V; ++j) d[j] = 0;
          continue;
        }
        const T lse = cpu::softmax_row(px + r * V, d, V);
        row_loss[r] = static_cast<double>(lse - px[r * V + t]);
        for (int64_t j = 0; j < V; ++j) d[j] *= inv;
        d[t] -= inv;
      }
      double total = 0;
      for (double l : row_loss) total += l;
      loss.data<T>()[0] = static_cast<T>(count ? total / static_cast<double>(count) : 0.0);
    });
  if (autograd::needs_graph({logits_in}))
    autograd::record(loss, {logits_in}, [dlogits](std::vector<Tensor>& in, const Tensor& g) {
      autograd::add_grad(in, 0, mul(dlogits, g));  // g is 0-d: a broadcast, without reading it back to the host
    });
  return loss;
}

Tensor mse(const Tensor& pred_in, const Tensor& target_in, const Tensor& weight_in) {
  TESSERA_CHECK(pred_in.shape() == target_in.shape(),
                "mse: pred " + shape_str(pred_in.shape()) + " vs target " + shape_str(target_in.shape()));
  TESSERA_CHECK(pred_in.numel() > 0, "mse: empty input");
  TESSERA_CHECK(pred_in.dtype() == target_in.dtype() && pred_in.device() == target_in.device(),
                "mse: pred and target differ in dtype or device");
  Tensor p = contiguous(pred_in).detach(), t = contiguous(target_in).detach();
  Tensor w;
  if (weight_in.defined()) {
    TESSERA_CHECK(broadcast_shapes(p.shape(), weight_in.shape(), "mse") == p.shape(), "mse: weight must broadcast to pred");
    w = add(Tensor::zeros(p.shape(), p.dtype(), p.device()), weight_in.detach());
  }
  const int64_t n = p.numel();
  Tensor loss = Tensor::empty({}, p.dtype(), p.device());
  Tensor diff = Tensor::empty(p.shape(), p.dtype(), p.device());
  if (on_cuda(p))
    TESSERA_CUDA_CALL(cuda::mse_forward(p, t, w, diff, loss));
  else
    cpu::dispatch_floating(p.dtype(), "mse", [&](auto tag) {
      using T = decltype(tag);
      const T* pp = p.data<T>();
      const T* pt = t.data<T>();
      const T* pw = w.defined() ? w.data<T>() : nullptr;
      T* pd = diff.data<T>();
      double total = 0;
      for (int64_t i = 0; i < n; ++i) {
        pd[i] = pp[i] - pt[i];
        total += static_cast<double>((pw ? pw[i] : T(1)) * pd[i] * pd[i]);
      }
      loss.data<T>()[0] = static_cast<T>(total / static_cast<double>(n));
    });
  if (autograd::needs_graph({pred_in, target_in, weight_in}))
    autograd::record(loss, {pred_in, target_in, weight_in}, [diff, w, n](std::vector<Tensor>& in, const Tensor& g) {
      const Tensor s = scale(g, 1.0 / static_cast<double>(n));  // 0-d, stays on the device
      Tensor weighted = w.defined() ? mul(diff, w) : diff;
      Tensor gp = mul(scale(weighted, 2.0), s);
      autograd::add_grad(in, 0, gp);
      if (autograd::wants_grad(in, 1)) in[1].accumulate_grad(scale(gp, -1.0));
      if (autograd::wants_grad(in, 2)) in[2].accumulate_grad(sum_to(mul(mul(diff, diff), s), in[2].shape()));
    });
  return loss;
}

}  // namespace tessera::ops
