#pragma once
// The training loop shared by every domain: gradient accumulation, AdamW with warm-up and cosine
// decay, clipping, periodic evaluation, metrics.jsonl, progress, atomic checkpoints every N steps
// and on exit (including SIGINT/SIGTERM), and exact resume. Under mpirun/srun it trains data
// parallel over dist::world() (training/data_parallel.h, training/micro_batches.h); rank 0 alone
// evaluates and writes metrics, progress and checkpoints.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "core/config/config.h"
#include "core/task/task.h"
#include "training/finetune.h"

namespace tessera::training {

struct TrainerConfig {
  int64_t max_steps = 1000;
  int64_t grad_accumulation = 1;
  double lr = 3e-4;
  double min_lr = 0.0;
  int64_t warmup_steps = 0;
  double weight_decay = 0.1;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double grad_clip = 1.0;  // 0: no clipping
  int64_t eval_every = 0;  // 0: only at the end
  int64_t eval_batches = 10;
  int64_t checkpoint_every = 0;  // 0: only on exit
  int64_t log_every = 10;
  uint64_t seed = 0;
  int64_t threads = 0;  // 0: all cores
  int64_t zero = 0;       // 1: ZeRO-1, each rank keeps the optimizer moments of its shard only
  double bucket_mb = 25;  // gradient bucket size for data-parallel communication
  std::string device = "cpu";       // cpu | cuda | cuda:N
  std::string precision = "fp32";   // fp32 | tf32 | bf16 (tf32: CUDA only; see core/nn/mixed_precision.h)

  static TrainerConfig read(config::Section section);
};

// Told when the run enters (begin) and leaves a phase: "train" (the step loop), "eval",
// "checkpoint". Lets an observer (energy accounting) attribute time without the trainer knowing it.
using PhaseListener = std::function<void(const std::string& phase, bool begin)>;

// One optimizer step: what metrics.jsonl logs and RunOptions::on_step is told.
struct StepReport {
  int64_t step = 0;
  double loss = 0;  // mean over the step's micro-batches on every rank
  double lr = 0;
  double grad_norm = 0;  // before clipping
  int64_t tokens = 0;    // items (tokens, samples) of the step over all ranks
  double seconds = 0;    // wall time from drawing the first micro-batch to the update
  double comm_wait_s = 0;  // data parallel: communication the backward pass did not hide
  std::map<std::string, LossSum> loss_parts;  // a multi-part task's losses of the step, over all ranks
};

// Told on every rank after every step, so an observer (a benchmark) can time steps and follow
// the loss without a run directory.
using StepListener = std::function<void(const StepReport& step)>;

struct RunOptions {
  std::string run_dir;  // config.yaml, metrics.jsonl, checkpoints/; empty: none of them
  bool resume = false;
  int64_t max_steps = -1;    // cap from the command line; -1: none
  double max_minutes = -1;   // wall-clock cap; -1: none
  std::string effective_config;  // YAML text saved as <run_dir>/config.yaml and in checkpoints
  PhaseListener on_phase;        // optional
  std::string device;  // from the command line: wins over training.device; empty: none given
  StepListener on_step{};  // optional
  // Written every training.checkpoint_every steps and on exit; empty: <run_dir>/checkpoints/last.h5,
  // or no checkpoint for a run without a directory.
  std::string checkpoint{};
  std::string resume_from{};  // the checkpoint a resumed run continues from; empty: `checkpoint`
  FinetuneConfig finetune{};  // init_from empty: not a fine-tuning run
};

struct RunResult {
  int64_t step = 0;
  std::optional<double> last_loss;  // none when this invocation took no step
  double eval_loss = -1;  // -1: never evaluated
  int interrupted_by = 0;  // the signal that stopped the run, 0 if none
};

// Seeds the model's parameters and generators (for a fresh run), then trains.
RunResult train(Task& task, const TrainerConfig& config, const RunOptions& options);

}  // namespace tessera::training
