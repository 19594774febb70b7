#include "bench/gpt_benchmark.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>

#include "bench/cpu_load.h"
#include "core/autograd/autograd.h"
#include "core/cuda/runtime.h"
#include "core/nn/mixed_precision.h"
#include "core/ops/cpu/gemm.h"
#include "core/util/error.h"
#include "domains/text/byte_corpus.h"
#include "domains/text/language_model.h"
#include "training/train_state.h"

namespace tessera::bench {
namespace {

struct GptShape {
  int64_t vocab, ctx, n_layer, d_model, n_head, batch;
};

GptShape shape_of(const std::string& config) {
  if (config == "tiny") return {256, 128, 4, 128, 4, 16};
  if (config == "small") return {256, 256, 6, 384, 6, 8};
  if (config == "gpt2-124m") return {50257, 1024, 12, 768, 12, 16};
  throw ConfigError("", "unknown benchmark config '" + config + "' (allowed: tiny, small, gpt2-124m)");
}

// Random windows of ctx + 1 bytes: inputs and next-byte targets, as torch_ref.get_batch.
struct Batch {
  Tensor x, y;
};

Batch random_batch(const std::vector<uint8_t>& bytes, size_t begin, size_t end, const GptShape& s, Generator& g) {
  Batch b{Tensor::empty({s.batch, s.ctx}, DType::i64), Tensor::empty({s.batch, s.ctx}, DType::i64)};
  int64_t* x = b.x.data<int64_t>();
  int64_t* y = b.y.data<int64_t>();
  const uint64_t range = end - begin - s.ctx - 1;
  for (int64_t i = 0; i < s.batch; ++i) {
    const size_t start = begin + g.below(range);
    for (int64_t t = 0; t < s.ctx; ++t) {
      x[i * s.ctx + t] = bytes[start + t];
      y[i * s.ctx + t] = bytes[start + t + 1];
    }
  }
  return b;
}

// Dense peaks in GFLOP/s of the SXM parts, by product name: bf16 on the tensor cores, and plain
// fp32 (the fp32 GEMMs run without TF32).
double peak_gflops_of(Device device, nn::Precision precision) {
  if (device.is_cpu()) return 206.0;
  struct Peak {
    const char* name;
    double bf16, fp32;
  };
  static const Peak peaks[] = {{"H200", 989e3, 67e3}, {"H100", 989e3, 67e3}, {"A100", 312e3, 19.5e3}};
  const std::string name = cuda::device_name(device);
  for (const Peak& p : peaks)
    if (name.find(p.name) != std::string::npos) return precision == nn::Precision::bf16 ? p.bf16 : p.fp32;
  throw ConfigError("--peak-gflops", "no known peak for " + name + "; pass --peak-gflops");
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double round_to(double v, int digits) {
  const double f = std::pow(10.0, digits);
  return std::round(v * f) / f;
}

}  // namespace

std::string run_gpt_benchmark(const GptBenchOptions& o) {
  const GptShape s = shape_of(o.config);
  const Device device = cuda::usable_device(o.device, "--device");
  const nn::Precision precision = nn::parse_precision(o.precision, "--precision");
  if (precision == nn::Precision::bf16 && device.is_cpu())
    throw ConfigError("--precision", "bf16 runs on CUDA devices only (use --device cuda, or fp32 on the CPU)");
  const double peak_gflops = o.peak_gflops > 0 ? o.peak_gflops : peak_gflops_of(device, precision);
  // Device work is queued; timers are read only once it is done.
  auto synchronize = [&] {
    if (!device.is_cpu()) cuda::synchronize(device);
  };
  if (o.threads <= 0 || o.train_steps <= 0 || o.infer_steps <= 0 || o.warmup < 0 || o.val_batches <= 0)
    throw ConfigError("", "threads, train-steps, infer-steps and val-batches must be positive, warmup not negative");
  cpu::set_num_threads(o.threads);

  const text::ByteCorpus corpus = text::load_byte_corpus(o.data);
  const size_t n_train = static_cast<size_t>(0.9 * static_cast<double>(corpus.bytes.size()));
  if (n_train < static_cast<size_t>(s.ctx) + 2 || corpus.bytes.size() - n_train < static_cast<size_t>(s.ctx) + 2)
    throw DataError(o.data, "corpus too small for a context of " + std::to_string(s.ctx));

  const double rss_before_model = peak_rss_mb();
  text::LanguageModelConfig mc;
  mc.vocab_size = s.vocab;
  mc.context = s.ctx;
  mc.trunk.d_model = s.d_model;
  mc.trunk.n_layer = s.n_layer;
  mc.trunk.n_head = s.n_head;
  text::LanguageModel model(mc);
  Generator init_rng(o.seed);
  nn::init_gpt2(model, s.n_layer, init_rng);
  model.to(device);
  optim::AdamW opt(model.named_parameters(), optim::AdamWConfig{3e-4, 0.9, 0.999, 1e-8, 0.1});
  Generator data_rng(o.seed);
  const nlohmann::json run_config = {{"benchmark", "gpt"}, {"config", o.config}, {"seed", o.seed}};
  training::TrainState state{&model, &opt, {{"data", &data_rng}}, "bench/gpt-" + o.config, run_config.dump(), {}};
  if (!o.resume.empty()) training::load_train_state(o.resume, state);

  std::vector<double> step_times, losses;
  CpuSnapshot snap0 = cpu_snapshot();
  for (int step = 0; step < o.train_steps; ++step) {
    if (step == o.warmup) snap0 = cpu_snapshot();
    Batch b = random_batch(corpus.bytes, 0, n_train, s, data_rng);
    b = {model.place(b.x), model.place(b.y)};
    synchronize();
    const auto t0 = std::chrono::steady_clock::now();
    opt.zero_grad();
    nn::Bf16Scope mixed(model, precision);
    Tensor loss = model.loss(b.x, b.y);
    loss.backward();
    mixed.end();
    opt.step(opt.config().lr);
    synchronize();
    const double dt = seconds_since(t0);
    step_times.push_back(dt);
    losses.push_back(loss.item());
    if (o.log_every > 0 && (step % o.log_every == 0 || step == o.train_steps - 1))
      std::cerr << "step " << opt.steps() << " loss " << losses.back() << " " << dt * 1e3 << " ms" << std::endl;
  }
  const ForeignLoad train_load = foreign_load(snap0, cpu_snapshot());
  if (!o.save.empty()) training::save_train_state(o.save, state);
  std::vector<double> timed(step_times.begin() + std::min<size_t>(o.warmup, step_times.size()), step_times.end());
  if (timed.empty()) timed = step_times;
  const double t_train = median(timed);

  autograd::NoGradScope no_grad;
  nn::Bf16Scope mixed(model, precision);
  Generator val_rng(1234);
  double val_loss = 0;
  for (int i = 0; i < o.val_batches; ++i) {
    Batch b = random_batch(corpus.bytes, n_train, corpus.bytes.size(), s, val_rng);
    val_loss += model.loss(model.place(b.x), model.place(b.y)).item() / o.val_batches;
  }

  Batch ib = random_batch(corpus.bytes, 0, n_train, s, data_rng);
  ib.x = model.place(ib.x);
  synchronize();
  std::vector<double> infer_times;
  for (int i = 0; i < o.warmup + o.infer_steps; ++i) {
    if (i == o.warmup) snap0 = cpu_snapshot();
    const auto t0 = std::chrono::steady_clock::now();
    Tensor logits = model.logits(ib.x);
    synchronize();
    if (i >= o.warmup) infer_times.push_back(seconds_since(t0));
  }
  const ForeignLoad infer_load = foreign_load(snap0, cpu_snapshot());
  const double t_infer = median(infer_times);

  const int64_t n_params = model.num_parameters();
  const double tokens = static_cast<double>(s.batch * s.ctx);
  const double flops_train = 6.0 * n_params + 12.0 * s.n_layer * s.d_model * s.ctx;
  const double tps_train = tokens / t_train, tps_infer = tokens / t_infer;
  double last10 = 0;
  const size_t n10 = std::min<size_t>(10, losses.size());
  for (size_t i = losses.size() - n10; i < losses.size(); ++i) last10 += losses[i] / n10;
  nlohmann::ordered_json j = {
      {"config", o.config},
      {"engine", "tessera"},
      {"tokens_per_s_train", round_to(tps_train, 1)},
      {"tokens_per_s_infer", round_to(tps_infer, 1)},
      {"peak_rss_mb", round_to(peak_rss_mb(), 1)},
      {"mfu", round_to(tps_train * flops_train / (peak_gflops * 1e9), 4)},
      {"mfu_infer", round_to(tps_infer * flops_train / 3.0 / (peak_gflops * 1e9), 4)},
      {"train_step_ms_median", round_to(t_train * 1e3, 2)},
      {"train_step_ms_min", round_to(*std::min_element(timed.begin(), timed.end()) * 1e3, 2)},
      {"infer_ms_median", round_to(t_infer * 1e3, 2)},
      {"achieved_gflops_train", round_to(tps_train * flops_train / 1e9, 1)},
      {"n_params", n_params},
      {"flops_per_token_train", static_cast<int64_t>(flops_train)},
      {"tokens_per_step", static_cast<int64_t>(tokens)},
      {"train_steps", o.train_steps},
      {"warmup", o.warmup},
      {"loss_first", round_to(losses.front(), 4)},
      {"loss_last", round_to(losses.back(), 4)},
      {"loss_last10_mean", round_to(last10, 4)},
      {"val_loss", round_to(val_loss, 4)},
      {"rss_before_model_mb", round_to(rss_before_model, 1)},
      {"threads", o.threads},
      {"bg_cpu_frac_train", round_to(train_load.other_processes, 3)},
      {"bg_cpu_frac_infer", round_to(infer_load.other_processes, 3)},
      {"steal_frac_train", round_to(train_load.steal, 3)},
      {"peak_gflops", peak_gflops},
      {"device", device.str()},
      {"device_name", device.is_cpu() ? "cpu" : cuda::device_name(device)},
      {"precision", o.precision},
      {"seed", o.seed},
      {"data_bytes", corpus.bytes.size()},
      {"data_files", corpus.files},
      {"step", opt.steps()},
  };
  return j.dump();
}

}  // namespace tessera::bench
