#pragma once
// Everything a run needs to continue exactly: parameters, optimizer moments and step, and the
// state of every random generator. Saved as one checkpoint file, written atomically.
#include <map>
#include <set>
#include <string>

#include "core/io/checkpoint.h"
#include "core/nn/module.h"
#include "core/optim/adamw.h"
#include "core/util/rng.h"

namespace tessera::training {

struct TrainState {
  nn::Module* model = nullptr;
  optim::AdamW* optimizer = nullptr;  // may be null (inference-only checkpoints)
  std::map<std::string, Generator*> generators;
  std::string architecture;  // e.g. "text/language_model"
  std::string config;        // the run's effective config
  std::map<std::string, std::string> attributes;  // saved with the checkpoint (tokenizer, ...)
  // Parameters of the model its checkpoints leave out (a lora run's frozen base, training/finetune.h).
  std::set<std::string> not_saved{};
};

void save_train_state(const std::string& path, const TrainState& state);
// Restores parameters, moments, optimizer step and generators; returns the checkpoint's metadata.
// Throws CheckpointError when the file holds another architecture or does not match the model.
io::CheckpointMeta load_train_state(const std::string& path, TrainState& state);

}  // namespace tessera::training
