#include "bench/attention_benchmark.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "core/autograd/autograd.h"
#include "core/cuda/event_timer.h"
#include "core/cuda/runtime.h"
#include "core/ops/cpu/gemm.h"
#include "core/ops/cuda_call.h"
#include "core/ops/ops.h"
#include "core/util/error.h"
#include "core/util/rng.h"

namespace tessera::bench {
namespace {

// Seconds that `work` takes: CUDA events on the device's stream, a wall clock on the CPU.
double time_seconds(Device device, const std::function<void()>& work) {
  if (device.type == DeviceType::cuda) {
    double ms = 0;
    TESSERA_CUDA_CALL((ms = cuda::elapsed_ms(device, work)));
    return ms * 1e-3;
  }
  const auto t0 = std::chrono::steady_clock::now();
  work();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

Tensor random_on(const Shape& shape, DType dtype, Device device, Generator& g) {
  Tensor t = Tensor::empty(shape, DType::f32);
  float* p = t.data<float>();
  for (int64_t i = 0; i < t.numel(); ++i) p[i] = static_cast<float>(g.normal());
  return t.to(dtype).to(device);
}

struct Inputs {
  Tensor q, k, v, grad_out;
};

Inputs make_inputs(const AttentionShape& s, DType dtype, Device device) {
  Generator g(7);
  const Shape shape{s.batch, s.seq, s.heads, s.head_dim};
  Inputs in{random_on(shape, dtype, device, g), random_on(shape, dtype, device, g), random_on(shape, dtype, device, g),
            random_on(shape, dtype, device, g)};
  for (Tensor* t : {&in.q, &in.k, &in.v}) t->set_requires_grad(true);
  return in;
}

void zero_grads(Inputs& in) {
  for (Tensor* t : {&in.q, &in.k, &in.v}) t->zero_grad();
}

// One training step of the op: forward with the graph, backward from grad_out.
void forward_backward(Inputs& in, const ops::AttentionOptions& o) {
  zero_grads(in);
  ops::attention(in.q, in.k, in.v, o).backward(in.grad_out);
}

std::string run_shape(const AttentionShape& s, DType dtype, Device device, const AttentionBenchOptions& opt) {
  Inputs in = make_inputs(s, dtype, device);
  ops::AttentionOptions o;
  o.causal = opt.causal;
  for (int i = 0; i < opt.warmup; ++i) forward_backward(in, o);

  double forward_s = 0, backward_s = 0, both_s = 0;
  {
    autograd::NoGradScope no_grad;
    forward_s = time_seconds(device, [&] {
      for (int i = 0; i < opt.iters; ++i) ops::attention(in.q, in.k, in.v, o);
    });
  }
  for (int i = 0; i < opt.iters; ++i) {
    zero_grads(in);
    Tensor out = ops::attention(in.q, in.k, in.v, o);
    backward_s += time_seconds(device, [&] { out.backward(in.grad_out); });
  }
  both_s = time_seconds(device, [&] {
    for (int i = 0; i < opt.iters; ++i) forward_backward(in, o);
  });

  // Score and value GEMMs: 2 * 2 * B * H * T * T * Dh forward; the backward has five such GEMMs
  // (2.5x); a causal mask leaves half of the work.
  const double forward_flops =
      4.0 * s.batch * s.heads * static_cast<double>(s.seq) * s.seq * s.head_dim * (opt.causal ? 0.5 : 1.0);
  const double backward_flops = 2.5 * forward_flops;
  const double iters = opt.iters;
  auto tflops = [](double flops, double seconds) { return seconds > 0 ? flops / seconds * 1e-12 : 0.0; };
  nlohmann::json j;
  j["bench"] = "attention";
  j["device"] = device.str();
  j["dtype"] = dtype_name(dtype);
  j["batch"] = s.batch;
  j["heads"] = s.heads;
  j["seq"] = s.seq;
  j["head_dim"] = s.head_dim;
  j["causal"] = opt.causal;
  j["forward_ms"] = forward_s / iters * 1e3;
  j["backward_ms"] = backward_s / iters * 1e3;
  j["forward_backward_ms"] = both_s / iters * 1e3;
  j["forward_tflops"] = tflops(forward_flops * iters, forward_s);
  j["backward_tflops"] = tflops(backward_flops * iters, backward_s);
  j["forward_backward_tflops"] = tflops((forward_flops + backward_flops) * iters, both_s);
  if (device.type == DeviceType::cuda)
    j["fraction_of_peak"] = tflops((forward_flops + backward_flops) * iters, both_s) / opt.peak_tflops;
  return j.dump();
}

}  // namespace

std::vector<std::string> run_attention_benchmark(const AttentionBenchOptions& opt) {
  const Device device = cuda::usable_device(opt.device, "--device");
  if (opt.warmup < 0 || opt.iters <= 0 || opt.threads <= 0 || opt.peak_tflops <= 0)
    throw ConfigError("", "iters, threads and peak-tflops must be positive, warmup not negative");
  const std::string dtype_text = !opt.dtype.empty() ? opt.dtype : device.is_cpu() ? "f32" : "bf16";
  const DType dtype = dtype_text == "bf16" ? DType::bf16 : DType::f32;
  if (dtype == DType::bf16 && device.is_cpu())
    throw ConfigError("", "bf16 attention needs --device cuda (the CPU op computes in f32 or f64)");
  cpu::set_num_threads(opt.threads);
  std::vector<AttentionShape> shapes = opt.shapes;
  if (shapes.empty()) shapes = {{8, 12, 1024, 64}, {2, 16, 4096, 128}};
  std::vector<std::string> lines;
  for (const AttentionShape& s : shapes) {
    if (s.batch <= 0 || s.heads <= 0 || s.seq <= 0 || s.head_dim <= 0)
      throw ConfigError("", "batch, heads, seq and head-dim must be positive");
    int64_t elements = 1;
    for (int64_t size : {s.batch, s.heads, s.seq, s.head_dim, static_cast<int64_t>(dtype_size(dtype))})
      if (__builtin_mul_overflow(elements, size, &elements))
        throw ConfigError("", "batch x heads x seq x head-dim is too large: its bytes do not fit in 64 bits");
    lines.push_back(run_shape(s, dtype, device, opt));
  }
  return lines;
}

}  // namespace tessera::bench
