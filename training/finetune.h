#pragma once
// Fine-tuning a run from another run's checkpoint, its base (config section `finetune:`, flag
// `tessera train --init-from`). The model takes every parameter the base holds under the same name
// and shape (core/task/base_checkpoint.h); the rest starts fresh from the run's seed. Then:
//   full    every parameter trains;
//   frozen  the trunk parameters taken from the base get no gradient, no update and no optimizer
//           moments; everything else (embeddings, heads) trains;
//   lora    the same trunk is frozen and low-rank adapters on its Linear layers train
//           (core/nn/lora.h); the run's checkpoints hold only what trained and name their base.
// Optimizer moments and the step are never taken from the base: fine-tuning is a new run.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/config/config.h"
#include "core/nn/lora.h"
#include "core/task/task.h"

namespace tessera::training {

enum class FinetuneMode { full, frozen, lora };

struct FinetuneConfig {
  std::string init_from;  // empty: a run from scratch
  FinetuneMode mode = FinetuneMode::full;
  nn::LoraConfig lora;
  // Parameters that start fresh although the base holds them, by name prefix (a head to learn anew
  // for another target: [output, hidden]); never the trunk's layers.
  std::vector<std::string> fresh;

  // The `finetune` section of a run config.
  static FinetuneConfig read(config::Section section);
};

// What fine-tuning made of a task's model, for the trainer.
struct Finetuning {
  nn::NamedTensors trainable;       // what the optimizer sees
  std::set<std::string> frozen;     // taken from the base, never updated
  bool saves_frozen = true;         // false (lora): checkpoints leave the frozen base out
  std::map<std::string, std::string> attributes;  // recorded in the run's checkpoints
};

// Prepares the task's model (on the host, before it moves to its device): adapters, the base's
// parameters, and which parameters train. `checkpoint` is the one this run writes (the base must
// not be it); `resume_from` the one a resumed run continues, empty for a fresh run. A resumed run
// needs its base unchanged (the checkpoint's recorded checksum); its lora adapters and everything
// else that trained come from `resume_from` afterwards. Rank 0 (`root`) reports what was loaded.
Finetuning prepare_finetuning(Task& task, const FinetuneConfig& config, uint64_t seed, const std::string& checkpoint,
                              const std::string& resume_from, bool root);

}  // namespace tessera::training
