#include "training/trainer.h"

#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>
#include <thread>

#include "core/autograd/autograd.h"
#include "core/cuda/runtime.h"
#include "core/dist/communicator.h"
#include "core/nn/mixed_precision.h"
#include "core/ops/cpu/gemm.h"
#include "core/ops/ops.h"
#include "core/optim/adamw.h"
#include "core/util/error.h"
#include "training/data_parallel.h"
#include "training/interrupt.h"
#include "training/micro_batches.h"
#include "training/non_finite.h"
#include "training/progress.h"
#include "training/run_files.h"
#include "training/train_state.h"

namespace tessera::training {
namespace {

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

void set_threads(const TrainerConfig& c) {
  cpu::set_num_threads(c.threads > 0 ? static_cast<int>(c.threads)
                                     : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
}

// The device the run trains on, refused before any work when it cannot run this config.
Device training_device(const TrainerConfig& c, const RunOptions& o, const dist::Communicator& comm) {
  const char* key = o.device.empty() ? "training.device" : "--device";
  const Device device = cuda::usable_device(o.device.empty() ? c.device : o.device, key);
  nn::require_device_for(nn::parse_precision(c.precision, "training.precision"), device, "training.precision");
  // The data-parallel buckets are host fp32 buffers reduced over MPI; GPU gradients need the
  // NCCL communicator in that path first.
  if (comm.size() > 1 && !device.is_cpu())
    throw ConfigError(key, "data-parallel training on CUDA devices is not supported yet; run several ranks on the CPU "
                           "or one rank per GPU job");
  return device;
}

// A fresh run: parameters and the model's own generators seeded from training.seed.
void start_fresh(Task& task, uint64_t seed, const RunFiles& files, bool root) {
  task.initialize(seed);  // on the host; the parameters move to the device next
  for (auto& [name, g] : task.model_generators()) *g = Generator(splitmix64(seed ^ std::hash<std::string>{}(name)));
  if (root) files.clear_metrics();
}

TrainState train_state(Task& task, const std::string& config, Generator& data_rng, const Finetuning& finetuning) {
  TrainState state{&task.model(), nullptr, task.model_generators(), task.architecture(), config,
                   task.checkpoint_attributes()};
  state.generators["data"] = &data_rng;
  state.attributes.insert(finetuning.attributes.begin(), finetuning.attributes.end());
  if (!finetuning.saves_frozen) state.not_saved = finetuning.frozen;
  return state;
}

// One run of the step loop, from a model that is initialized (or about to be restored) and on
// its device, to the final evaluation and checkpoint.
class Run {
 public:
  Run(Task& task, const TrainerConfig& c, const RunOptions& o, dist::Communicator& comm, const MicroBatchPlan& plan,
      RunFiles files, const Finetuning& finetuning);
  RunResult execute();

 private:
  double restore();
  bool stop_requested();
  StepReport step();
  double micro_batch(int64_t micro);
  void report(const StepReport& r);
  std::map<std::string, LossSum> sum_over_ranks(std::map<std::string, LossSum> parts);
  void add_evaluation(nlohmann::ordered_json& j, int64_t step);
  double evaluate();
  void save();
  RunResult finish();
  double elapsed() const { return previous_elapsed_ + seconds_since(start_); }

  Task& task_;
  const TrainerConfig& c_;
  const RunOptions& o_;
  dist::Communicator& comm_;
  const bool root_;
  const MicroBatchPlan& plan_;
  const nn::Precision precision_;
  const RunFiles files_;
  nn::Module& model_;
  DataParallelOptimizer opt_;
  Generator data_rng_;
  TrainState state_;
  // A resumed run restores the optimizer and generators above while this is initialized, so the
  // members below see the restored step.
  const double previous_elapsed_;
  const int64_t target_;
  const optim::LrSchedule schedule_;
  const std::unique_ptr<MetricsLog> metrics_;
  Progress progress_;
  InterruptGuard interrupts_;
  const std::chrono::steady_clock::time_point start_;
  RunResult result_;
  int64_t saved_at_ = -1, evaluated_at_ = -1;  // steps of the last checkpoint and evaluation
  std::map<std::string, LossSum> parts_since_log_;
};

Run::Run(Task& task, const TrainerConfig& c, const RunOptions& o, dist::Communicator& comm, const MicroBatchPlan& plan,
         RunFiles files, const Finetuning& finetuning)
    : task_(task), c_(c), o_(o), comm_(comm), root_(comm.is_root()), plan_(plan),
      precision_(nn::use_precision(nn::parse_precision(c.precision, "training.precision"), task.model().device(),
                                   comm.is_root() ? &std::cerr : nullptr)),
      files_(std::move(files)),
      model_(task.model()),
      opt_(comm, finetuning.trainable, optim::AdamWConfig{c.lr, c.beta1, c.beta2, c.eps, c.weight_decay},
           DataParallelConfig{c.zero == 1, c.bucket_mb}),
      data_rng_(splitmix64(c.seed ^ 0xda7aull)), state_(train_state(task, o.effective_config, data_rng_, finetuning)),
      previous_elapsed_(o.resume ? restore() : 0.0),
      target_(o.max_steps >= 0 ? std::min(c.max_steps, o.max_steps) : c.max_steps),
      schedule_{c.lr, c.warmup_steps, c.max_steps, c.min_lr},
      metrics_(root_ ? files_.open_metrics() : nullptr), progress_(opt_.steps(), target_),
      start_(std::chrono::steady_clock::now()) {
  if (root_) files_.write_config(o.effective_config);
  result_.step = opt_.steps();
}

// Resumes parameters, moments, step and generators; returns the seconds the run had trained.
double Run::restore() {
  files_.check_config(o_.effective_config);
  const io::CheckpointMeta meta = opt_.load(files_.resume_from(), state_);
  if (root_) files_.rewind_metrics(opt_.steps());
  auto it = meta.attributes.find("elapsed_s");
  return it == meta.attributes.end() ? 0.0 : std::stod(it->second);
}

// Every rank stops at the same step: a signal or the clock seen by any rank stops them all.
bool Run::stop_requested() {
  double reasons[2] = {static_cast<double>(InterruptGuard::received()),
                       o_.max_minutes >= 0 && seconds_since(start_) >= o_.max_minutes * 60.0 ? 1.0 : 0.0};
  comm_.all_reduce(reasons, 2, dist::ReduceOp::max);
  result_.interrupted_by = static_cast<int>(reasons[0]);
  return reasons[0] > 0 || reasons[1] > 0;
}

StepReport Run::step() {
  const auto t0 = std::chrono::steady_clock::now();
  opt_.zero_grad();
  double loss_sum = 0;
  for (int64_t micro = 0; micro < plan_.per_rank(); ++micro) loss_sum += micro_batch(micro);
  StepReport r;
  // The rank that finished its backward pass last waits for communication alone, not for
  // slower ranks: its wait is the communication the backward pass did not hide.
  r.comm_wait_s = comm_.all_reduce(opt_.finish_reduction(), dist::ReduceOp::min);
  r.lr = schedule_.at(opt_.steps());
  r.grad_norm = opt_.step(r.lr, c_.grad_clip);
  r.step = opt_.steps();
  r.loss = comm_.all_reduce(loss_sum, dist::ReduceOp::sum) / static_cast<double>(plan_.per_step());
  r.tokens = task_.items_per_batch() * plan_.per_step();
  r.loss_parts = sum_over_ranks(task_.take_loss_parts());
  r.seconds = seconds_since(t0);
  return r;
}

// Forward and backward pass of this rank's micro-batch `micro`; returns its loss.
double Run::micro_batch(int64_t micro) {
  seek_generators(state_.generators, plan_.index(opt_.steps(), micro));
  nn::Bf16Scope mixed(model_, precision_);
  Tensor loss = task_.train_loss(data_rng_);
  const double loss_value = loss.item();  // one device-to-host read per micro-batch
  if (!std::isfinite(loss_value)) {
    const std::optional<std::string> where = first_non_finite(model_.named_parameters(), Holder::values);
    throw DivergedError("training loss became " + std::to_string(loss_value) + " at step " + std::to_string(opt_.steps() + 1) +
                (where ? ": " + *where : "") +
                " (the last checkpoint is kept; lower training.lr or raise training.warmup_steps)");
  }
  Tensor scaled = plan_.per_step() > 1 ? ops::scale(loss, 1.0 / static_cast<double>(plan_.per_step())) : loss;
  if (micro + 1 == plan_.per_rank())
    opt_.backward_and_reduce(scaled);
  else
    scaled.backward();
  mixed.end();
  return loss_value;
}

std::map<std::string, LossSum> Run::sum_over_ranks(std::map<std::string, LossSum> parts) {
  if (parts.empty() || comm_.size() == 1) return parts;
  std::vector<double> flat;
  for (const auto& [name, p] : parts) flat.insert(flat.end(), {p.sum, static_cast<double>(p.count)});
  comm_.all_reduce(flat.data(), flat.size(), dist::ReduceOp::sum);
  size_t i = 0;
  for (auto& [name, p] : parts) {
    p.sum = flat[i++];
    p.count = static_cast<int64_t>(flat[i++]);
  }
  return parts;
}

// Rank 0 logs every training.log_every steps, at each evaluation and at the last step; a
// multi-part task's losses by part are the means over the steps since the previous line.
void Run::report(const StepReport& r) {
  for (const auto& [name, p] : r.loss_parts) {
    parts_since_log_[name].sum += p.sum;
    parts_since_log_[name].count += p.count;
  }
  const bool eval_now = c_.eval_every > 0 && r.step % c_.eval_every == 0;
  if (!root_ || !(r.step % c_.log_every == 0 || eval_now || r.step == target_)) return;
  const double tokens_per_s = static_cast<double>(r.tokens) / std::max(1e-9, r.seconds);
  nlohmann::ordered_json j = {{"step", r.step},
                              {"loss", r.loss},
                              {"lr", r.lr},
                              {"tokens_per_s", tokens_per_s},
                              {"grad_norm", r.grad_norm},
                              {"elapsed_s", elapsed()}};
  if (comm_.size() > 1) j["comm_wait_s"] = r.comm_wait_s;
  std::string parts;
  for (const auto& [name, p] : parts_since_log_) {
    if (p.count == 0) continue;
    const double mean = p.sum / static_cast<double>(p.count);
    j[name + "_loss"] = mean;
    char text[64];
    std::snprintf(text, sizeof text, "%s%s %.4f", parts.empty() ? "" : " ", name.c_str(), mean);
    parts += text;
  }
  parts_since_log_.clear();
  if (eval_now) add_evaluation(j, r.step);
  if (metrics_) metrics_->write(j);
  progress_.update(r.step, r.loss, tokens_per_s, r.lr, parts);
}

// eval_loss (and a multi-part task's eval loss by part) into a metrics line, and a note for people.
void Run::add_evaluation(nlohmann::ordered_json& j, int64_t step) {
  j["eval_loss"] = evaluate();
  std::string line = "step " + std::to_string(step) + ": eval loss " + std::to_string(result_.eval_loss);
  for (const auto& [name, loss] : task_.eval_loss_parts()) {
    j[name + "_eval_loss"] = loss;
    line += ", " + name + " " + std::to_string(loss);
  }
  progress_.note(line);
}

double Run::evaluate() {
  PhaseScope phase(o_.on_phase, "eval");
  autograd::NoGradScope no_grad;
  model_.set_training(false);
  result_.eval_loss = task_.eval_loss(c_.eval_batches);
  model_.set_training(true);
  evaluated_at_ = opt_.steps();
  return result_.eval_loss;
}

void Run::save() {
  if (files_.checkpoint().empty() || saved_at_ == opt_.steps()) return;
  PhaseScope phase(o_.on_phase, "checkpoint");
  state_.attributes["elapsed_s"] = std::to_string(elapsed());
  seek_generators(state_.generators, plan_.first_of_step(opt_.steps()));
  opt_.save(files_.checkpoint(), state_);
  saved_at_ = opt_.steps();
}

RunResult Run::execute() {
  if (root_)
    progress_.note(task_.describe() + "; steps " + std::to_string(opt_.steps()) + " -> " + std::to_string(target_) +
                   "; optimizer moments " + std::to_string(opt_.moment_bytes()) + " bytes");
  model_.set_training(true);
  {
    PhaseScope training_phase(o_.on_phase, "train");
    while (opt_.steps() < target_ && !stop_requested()) {
      const StepReport r = step();
      result_.step = r.step;
      result_.last_loss = r.loss;
      report(r);
      if (o_.on_step) o_.on_step(r);
      if (c_.checkpoint_every > 0 && r.step % c_.checkpoint_every == 0) save();
    }
  }
  return finish();
}

RunResult Run::finish() {
  if (root_) progress_.finish();
  if (result_.interrupted_by) {  // save first: a pre-empted job may be killed soon
    save();
    return result_;
  }
  if (root_ && evaluated_at_ != result_.step) {
    nlohmann::ordered_json j = {{"step", result_.step}};
    add_evaluation(j, result_.step);
    j["elapsed_s"] = elapsed();
    if (metrics_) metrics_->write(j);
  }
  save();
  return result_;
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
  c.precision = s.choice("precision", c.precision, {"fp32", "tf32", "bf16"});
  s.finish();
  return c;
}

RunResult train(Task& task, const TrainerConfig& c, const RunOptions& o) {
  set_threads(c);
  dist::Communicator& comm = dist::world();
  const MicroBatchPlan plan(c.grad_accumulation, comm.rank(), comm.size());
  const Device device = training_device(c, o, comm);
  RunFiles files(o, comm.is_root());
  if (!o.resume) start_fresh(task, c.seed, files, comm.is_root());
  const Finetuning finetuning = prepare_finetuning(task, o.finetune, c.seed, files.checkpoint(),
                                                   o.resume ? files.resume_from() : std::string(), comm.is_root());
  task.to(device);
  Run run(task, c, o, comm, plan, std::move(files), finetuning);
  return run.execute();
}

}  // namespace tessera::training
