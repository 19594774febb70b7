#include "bench/gpt_benchmark.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>

#include "bench/cpu_load.h"
#include "bench/gpt_run_config.h"
#include "core/autograd/autograd.h"
#include "core/cuda/runtime.h"
#include "core/io/checkpoint.h"
#include "core/io/output_path.h"
#include "core/nn/mixed_precision.h"
#include "core/util/error.h"
#include "domains/text/language_model_task.h"
#include "training/trainer.h"

namespace tessera::bench {
namespace {

// Dense peaks in GFLOP/s of the SXM parts, by product name: bf16 and TF32 on the tensor cores,
// and plain fp32 (the fp32 GEMMs run without TF32 unless asked).
double peak_gflops_of(Device device, nn::Precision precision) {
  // The CPU: the reference's fp32 peak (best 2-thread OpenBLAS SGEMM) and the same scaled by the
  // bf16/fp32 ratio bench/gemm_peak measured (as bench/torch_ref.py does).
  if (device.is_cpu()) return precision == nn::Precision::bf16 ? 670.0 : 206.0;
  struct Peak {
    const char* name;
    double bf16, tf32, fp32;
  };
  static const Peak peaks[] = {{"H200", 989e3, 494e3, 67e3}, {"H100", 989e3, 494e3, 67e3}, {"A100", 312e3, 156e3, 19.5e3}};
  const std::string name = cuda::device_name(device);
  for (const Peak& p : peaks)
    if (name.find(p.name) != std::string::npos)
      return precision == nn::Precision::bf16 ? p.bf16 : precision == nn::Precision::tf32 ? p.tf32 : p.fp32;
  throw ConfigError("--peak-gflops", "no known peak for " + name + "; pass --peak-gflops");
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double round_to(double v, int digits) {
  const double f = std::pow(10.0, digits);
  return std::round(v * f) / f;
}

// The trainer's steps as it reports them. The load of other processes is measured from the end
// of warm-up to the last step, as the reference does.
class StepLog {
 public:
  explicit StepLog(int warmup) : warmup_(warmup), timed_from_(cpu_snapshot()), timed_to_(timed_from_) {}
  void record(const training::StepReport& r) {
    seconds_.push_back(r.seconds);
    losses_.push_back(r.loss);
    timed_to_ = cpu_snapshot();
    if (static_cast<int>(seconds_.size()) == warmup_) timed_from_ = timed_to_;
  }
  // Step times after warm-up; all of them when there are no more.
  std::vector<double> timed() const {
    if (static_cast<int>(seconds_.size()) <= warmup_) return seconds_;
    return std::vector<double>(seconds_.begin() + warmup_, seconds_.end());
  }
  const std::vector<double>& losses() const { return losses_; }
  ForeignLoad load() const { return foreign_load(timed_from_, timed_to_); }

 private:
  int warmup_;
  std::vector<double> seconds_, losses_;
  CpuSnapshot timed_from_, timed_to_;
};

struct InferenceTiming {
  double median_s;
  ForeignLoad load;
};

// Forward passes over one batch of byte tokens (inference time does not depend on which),
// `warmup` untimed, then `steps` timed, each waited for on a device.
InferenceTiming time_inference(text::LanguageModel& model, nn::Precision precision, const GptShape& s,
                               const GptBenchOptions& o) {
  autograd::NoGradScope no_grad;
  nn::Bf16Scope mixed(model, precision);
  Tensor bytes = Tensor::empty({s.batch, s.ctx}, DType::i64);
  Generator g(o.seed);
  int64_t* b = bytes.data<int64_t>();
  for (int64_t i = 0; i < bytes.numel(); ++i) b[i] = static_cast<int64_t>(g.below(256));
  const Tensor tokens = model.place(bytes);
  const Device device = tokens.device();
  auto synchronize = [&] {
    if (!device.is_cpu()) cuda::synchronize(device);
  };
  synchronize();
  std::vector<double> times;
  CpuSnapshot timed_from = cpu_snapshot();
  for (int i = 0; i < o.warmup + o.infer_steps; ++i) {
    if (i == o.warmup) timed_from = cpu_snapshot();
    const auto t0 = std::chrono::steady_clock::now();
    Tensor logits = model.logits(tokens);
    synchronize();
    if (i >= o.warmup) times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return {median(times), foreign_load(timed_from, cpu_snapshot())};
}

double mean_of_last(const std::vector<double>& v, size_t n) {
  n = std::min(n, v.size());
  double mean = 0;
  for (size_t i = v.size() - n; i < v.size(); ++i) mean += v[i] / static_cast<double>(n);
  return mean;
}

// Flags that make no sense are refused before any work, named as on the command line.
void check_options(const GptBenchOptions& o, Device device, nn::Precision precision) {
  nn::require_device_for(precision, device, "--precision");
  if (o.threads <= 0 || o.train_steps <= 0 || o.infer_steps <= 0 || o.warmup < 0 || o.val_batches <= 0)
    throw ConfigError("", "threads, train-steps, infer-steps and val-batches must be positive, warmup not negative");
  if (o.warmup >= o.train_steps)
    throw ConfigError("--warmup", "must be less than --train-steps (" + std::to_string(o.train_steps) +
                                      "): no training step would be timed");
  if (!o.save.empty()) io::check_output_path(o.save, "--save", {o.resume, o.data});
}

// Trains with the trainer of `tessera train`, without a run directory: a checkpoint is read
// from --resume and written to --save only when they are given.
training::RunResult train_task(text::LanguageModelTask& task, config::ConfigFile& file, const GptBenchOptions& o,
                               StepLog& steps) {
  const training::TrainerConfig trainer = training::TrainerConfig::read(file.root().section("training"));
  training::RunOptions run;
  run.resume = !o.resume.empty();
  run.effective_config = file.effective_yaml();
  run.device = o.device;
  run.on_step = [&](const training::StepReport& r) { steps.record(r); };
  run.checkpoint = o.save;
  run.resume_from = o.resume;
  return training::train(task, trainer, run);
}

}  // namespace

std::string run_gpt_benchmark(const GptBenchOptions& o) {
  const GptShape s = gpt_shape(o.config);
  const Device device = cuda::usable_device(o.device, "--device");
  const nn::Precision asked = nn::parse_precision(o.precision, "--precision");
  check_options(o, device, asked);
  const nn::Precision precision = nn::use_precision(asked, device, &std::cerr);
  const double peak_gflops = o.peak_gflops > 0 ? o.peak_gflops : peak_gflops_of(device, precision);
  // --train-steps counts the steps of this invocation, the trainer the steps of the run.
  const int64_t first_step = o.resume.empty() ? 0 : io::read_checkpoint_meta(o.resume).step;

  const double rss_before_model = peak_rss_mb();
  config::ConfigFile file = config::ConfigFile::parse(gpt_run_config(o, s, first_step + o.train_steps),
                                                      "bench gpt --config " + o.config);
  config::Section root = file.root();
  text::LanguageModelTask task(root);
  StepLog steps(o.warmup);
  const training::RunResult result = train_task(task, file, o, steps);
  const ForeignLoad train_load = steps.load();

  text::LanguageModel& model = task.model();
  model.set_training(false);
  const InferenceTiming infer = time_inference(model, precision, s, o);

  const std::vector<double> timed = steps.timed();
  const std::vector<double>& losses = steps.losses();
  const double t_train = median(timed);
  const int64_t n_params = model.num_parameters();
  const double tokens = static_cast<double>(s.batch * s.ctx);
  const double flops_train = 6.0 * n_params + 12.0 * s.n_layer * s.d_model * s.ctx;
  const double tps_train = tokens / t_train, tps_infer = tokens / infer.median_s;
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
      {"infer_ms_median", round_to(infer.median_s * 1e3, 2)},
      {"achieved_gflops_train", round_to(tps_train * flops_train / 1e9, 1)},
      {"n_params", n_params},
      {"flops_per_token_train", static_cast<int64_t>(flops_train)},
      {"tokens_per_step", static_cast<int64_t>(tokens)},
      {"train_steps", o.train_steps},
      {"warmup", o.warmup},
      {"loss_first", round_to(losses.front(), 4)},
      {"loss_last", round_to(losses.back(), 4)},
      {"loss_last10_mean", round_to(mean_of_last(losses, 10), 4)},
      {"val_loss", round_to(result.eval_loss, 4)},
      {"rss_before_model_mb", round_to(rss_before_model, 1)},
      {"threads", o.threads},
      {"openmp_waits", openmp_waits()},
      {"bg_cpu_frac_train", round_to(train_load.other_processes, 3)},
      {"bg_cpu_frac_infer", round_to(infer.load.other_processes, 3)},
      {"steal_frac_train", round_to(train_load.steal, 3)},
      {"peak_gflops", peak_gflops},
      {"device", device.str()},
      {"device_name", device.is_cpu() ? "cpu" : cuda::device_name(device)},
      {"precision", nn::precision_name(precision)},
      {"seed", o.seed},
      {"data_bytes", task.corpus_bytes()},
      {"data_files", task.corpus_files()},
      {"step", result.step},
  };
  return j.dump();
}

}  // namespace tessera::bench
