#include "training/trainer.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "core/autograd/autograd.h"
#include "core/cuda/runtime.h"
#include "core/dist/communicator.h"
#include "core/io/atomic_file.h"
#include "core/nn/mixed_precision.h"
#include "core/ops/cpu/gemm.h"
#include "core/ops/ops.h"
#include "core/optim/adamw.h"
#include "core/util/error.h"
#include "training/data_parallel.h"
#include "training/interrupt.h"
#include "training/micro_batches.h"
#include "training/progress.h"
#include "training/train_state.h"

namespace tessera::training {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_text(const fs::path& p, const std::string& text) {
  io::write_atomically(p.string(), [&](const std::string& tmp) {
    std::ofstream out(tmp);
    out << text;
    if (!out.flush()) throw InputError(p.string(), "cannot write file");
  });
}

// Appends one JSON object per line; flushed at once so a killed run keeps its metrics.
class MetricsLog {
 public:
  explicit MetricsLog(const fs::path& p) : out_(p, std::ios::app) {
    if (!out_) throw InputError(p.string(), "cannot open metrics log for writing");
  }
  void write(const nlohmann::ordered_json& j) { out_ << j.dump() << std::endl; }

 private:
  std::ofstream out_;
};

// Reports a phase to the run's listener for as long as it lives.
class PhaseScope {
 public:
  PhaseScope(const PhaseListener& listener, const char* phase) : listener_(listener), phase_(phase) {
    if (listener_) listener_(phase_, true);
  }
  ~PhaseScope() {
    if (listener_) listener_(phase_, false);
  }

 private:
  const PhaseListener& listener_;
  std::string phase_;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

TrainerConfig TrainerConfig::read(config::Section s) {
  TrainerConfig c;
  c.max_steps = s.integer("max_steps", c.max_steps, 1);
  c.grad_accumulation = s.integer("grad_accumulation", c.grad_accumulation, 1);
  c.lr = s.number("lr", c.lr, 0.0, 10.0);
  c.min_lr = s.number("min_lr", c.min_lr, 0.0, 10.0);
  // The cosine schedule decays from lr to min_lr; a higher floor would turn the decay into a climb.
  if (c.min_lr > c.lr) {
    std::ostringstream what;
    what << "must not exceed training.lr (" << c.lr << "), got " << c.min_lr;
    s.fail("min_lr", what.str());
  }
  c.warmup_steps = s.integer("warmup_steps", c.warmup_steps, 0);
  c.weight_decay = s.number("weight_decay", c.weight_decay, 0.0, 1.0);
  c.beta1 = s.number("beta1", c.beta1, 0.0, 0.999999);
  c.beta2 = s.number("beta2", c.beta2, 0.0, 0.999999);
  c.eps = s.number("eps", c.eps, 0.0, 1.0);
  c.grad_clip = s.number("grad_clip", c.grad_clip, 0.0);
  c.eval_every = s.integer("eval_every", c.eval_every, 0);
  c.eval_batches = s.integer("eval_batches", c.eval_batches, 1);
  c.checkpoint_every = s.integer("checkpoint_every", c.checkpoint_every, 0);
  c.log_every = s.integer("log_every", c.log_every, 1);
  c.seed = static_cast<uint64_t>(s.integer("seed", 0, 0));
  c.threads = s.integer("threads", c.threads, 0, 1024);
  c.zero = s.integer("zero", c.zero, 0, 1);
  c.bucket_mb = s.number("bucket_mb", c.bucket_mb, 0.001, 65536.0);
  c.device = s.text("device", c.device);
  c.precision = s.choice("precision", c.precision, {"fp32", "bf16"});
  s.finish();
  return c;
}

RunResult train(Task& task, const TrainerConfig& c, const RunOptions& o) {
  cpu::set_num_threads(c.threads > 0 ? static_cast<int>(c.threads)
                                     : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  dist::Communicator& comm = dist::world();
  const bool root = comm.is_root();
  const MicroBatchPlan plan(c.grad_accumulation, comm.rank(), comm.size());
  const Device device = cuda::usable_device(o.device.empty() ? c.device : o.device,
                                            o.device.empty() ? "training.device" : "--device");
  const nn::Precision precision = nn::parse_precision(c.precision, "training.precision");
  if (precision == nn::Precision::bf16 && device.is_cpu())
    throw ConfigError("training.precision", "bf16 runs on CUDA devices only (use --device cuda, or fp32 on the CPU)");
  // The data-parallel buckets are host fp32 buffers reduced over MPI; GPU gradients need the
  // NCCL communicator in that path first.
  if (comm.size() > 1 && !device.is_cpu())
    throw ConfigError(o.device.empty() ? "training.device" : "--device",
                      "data-parallel training on CUDA devices is not supported yet; run several ranks on the CPU or one rank per GPU job");
  const fs::path run_dir(o.run_dir), ckpt_dir = run_dir / "checkpoints", last = ckpt_dir / "last.h5";
  if (o.resume && !fs::exists(last))
    throw InputError(last.string(), "nothing to resume: no checkpoint in this run directory");
  std::error_code ec;
  if (root) fs::create_directories(ckpt_dir, ec);
  if (ec) throw InputError(o.run_dir, "cannot create run directory: " + ec.message());

  const fs::path config_file = run_dir / "config.yaml";
  if (!o.resume) {
    if (fs::exists(last))
      throw InputError(o.run_dir, "already holds a run; pass --resume to continue it or choose another --run-dir");
    task.initialize(c.seed);  // on the host; the parameters move to the device next
    for (auto& [name, g] : task.model_generators()) *g = Generator(splitmix64(c.seed ^ std::hash<std::string>{}(name)));
    if (root) std::ofstream(run_dir / "metrics.jsonl", std::ios::trunc);
  }
  task.to(device);

  nn::Module& model = task.model();
  DataParallelOptimizer opt(comm, model.named_parameters(),
                            optim::AdamWConfig{c.lr, c.beta1, c.beta2, c.eps, c.weight_decay},
                            DataParallelConfig{c.zero == 1, c.bucket_mb});
  Generator data_rng(splitmix64(c.seed ^ 0xda7aull));
  TrainState state{&model, nullptr, task.model_generators(), task.architecture(), o.effective_config,
                   task.checkpoint_attributes()};
  state.generators["data"] = &data_rng;
  double previous_elapsed = 0;

  if (o.resume) {
    if (fs::exists(config_file) && read_file(config_file) != o.effective_config)
      throw ConfigError(config_file.string(), "the config differs from the one this run started with; resume with the "
                                              "same config and --set values (or start a new --run-dir)");
    const io::CheckpointMeta meta = opt.load(last.string(), state);
    auto it = meta.attributes.find("elapsed_s");
    if (it != meta.attributes.end()) previous_elapsed = std::stod(it->second);
  }
  if (root) write_text(config_file, o.effective_config);

  const int64_t target = o.max_steps >= 0 ? std::min(c.max_steps, o.max_steps) : c.max_steps;
  const optim::LrSchedule schedule{c.lr, c.warmup_steps, c.max_steps, c.min_lr};
  std::unique_ptr<MetricsLog> metrics = root ? std::make_unique<MetricsLog>(run_dir / "metrics.jsonl") : nullptr;
  Progress progress(opt.steps(), target);
  InterruptGuard interrupts;
  const auto start = std::chrono::steady_clock::now();
  RunResult result;
  result.step = opt.steps();
  int64_t saved_at = -1, evaluated_at = -1;  // steps of the last checkpoint and evaluation

  auto save = [&] {
    if (saved_at == opt.steps()) return;
    PhaseScope phase(o.on_phase, "checkpoint");
    state.attributes["elapsed_s"] = std::to_string(previous_elapsed + seconds_since(start));
    seek_generators(state.generators, plan.first_of_step(opt.steps()));
    opt.save(last.string(), state);
    saved_at = opt.steps();
  };
  auto evaluate = [&] {
    PhaseScope phase(o.on_phase, "eval");
    autograd::NoGradScope no_grad;
    model.set_training(false);
    result.eval_loss = task.eval_loss(c.eval_batches);
    model.set_training(true);
    evaluated_at = opt.steps();
    return result.eval_loss;
  };
  // Every rank stops at the same step: a signal or the clock seen by any rank stops them all.
  auto stop_requested = [&] {
    double reasons[2] = {static_cast<double>(InterruptGuard::received()),
                         o.max_minutes >= 0 && seconds_since(start) >= o.max_minutes * 60.0 ? 1.0 : 0.0};
    comm.all_reduce(reasons, 2, dist::ReduceOp::max);
    result.interrupted_by = static_cast<int>(reasons[0]);
    return reasons[0] > 0 || reasons[1] > 0;
  };

  if (root) progress.note(task.describe() + "; steps " + std::to_string(opt.steps()) + " -> " + std::to_string(target));
  model.set_training(true);
  std::optional<PhaseScope> training_phase(std::in_place, o.on_phase, "train");
  while (opt.steps() < target) {
    if (stop_requested()) break;
    const auto t0 = std::chrono::steady_clock::now();
    opt.zero_grad();
    double loss_sum = 0;
    for (int64_t micro = 0; micro < plan.per_rank(); ++micro) {
      seek_generators(state.generators, plan.index(opt.steps(), micro));
      nn::Bf16Scope mixed(model, precision);
      Tensor loss = task.train_loss(data_rng);
      const double loss_value = loss.item();  // one device-to-host read per micro-batch
      if (!std::isfinite(loss_value))
        throw Error("training loss became " + std::to_string(loss_value) + " at step " + std::to_string(opt.steps() + 1) +
                    " (lower training.lr or raise training.warmup_steps)");
      loss_sum += loss_value;
      Tensor scaled = plan.per_step() > 1 ? ops::scale(loss, 1.0 / static_cast<double>(plan.per_step())) : loss;
      if (micro + 1 == plan.per_rank())
        opt.backward_and_reduce(scaled);
      else
        scaled.backward();
      mixed.end();
    }
    // The rank that finished its backward pass last waits for communication alone, not for
    // slower ranks: its wait is the communication the backward pass did not hide.
    const double comm_wait_s = comm.all_reduce(opt.finish_reduction(), dist::ReduceOp::min);
    const double lr = schedule.at(opt.steps());
    const double grad_norm = opt.step(lr, c.grad_clip);
    const int64_t step = opt.steps();
    result.step = step;
    result.last_loss = comm.all_reduce(loss_sum, dist::ReduceOp::sum) / static_cast<double>(plan.per_step());
    const double tokens_per_s =
        static_cast<double>(task.items_per_batch() * plan.per_step()) / std::max(1e-9, seconds_since(t0));

    const bool eval_now = c.eval_every > 0 && step % c.eval_every == 0;
    if (root && (step % c.log_every == 0 || eval_now || step == target)) {
      nlohmann::ordered_json j = {{"step", step},
                                  {"loss", result.last_loss},
                                  {"lr", lr},
                                  {"tokens_per_s", tokens_per_s},
                                  {"grad_norm", grad_norm},
                                  {"elapsed_s", previous_elapsed + seconds_since(start)}};
      if (comm.size() > 1) j["comm_wait_s"] = comm_wait_s;
      if (eval_now) {
        j["eval_loss"] = evaluate();
        progress.note("step " + std::to_string(step) + ": eval loss " + std::to_string(result.eval_loss));
      }
      metrics->write(j);
      progress.update(step, result.last_loss, tokens_per_s, lr);
    }
    if (c.checkpoint_every > 0 && step % c.checkpoint_every == 0) save();
  }
  training_phase.reset();
  if (root) progress.finish();
  if (result.interrupted_by) {  // save first: a pre-empted job may be killed soon
    save();
    return result;
  }
  if (root && evaluated_at != result.step) {
    const double eval = evaluate();
    metrics->write({{"step", result.step}, {"eval_loss", eval}, {"elapsed_s", previous_elapsed + seconds_since(start)}});
  }
  save();
  return result;
}

}  // namespace tessera::training
