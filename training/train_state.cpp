#include "training/train_state.h"

#include "core/util/error.h"

namespace tessera::training {
namespace {

nn::NamedTensors all_tensors(const TrainState& s) {
  nn::NamedTensors tensors;
  for (auto& [name, t] : s.model->named_parameters())
    if (!s.not_saved.count(name)) tensors.emplace_back(name, t);
  if (s.optimizer)
    for (auto& [name, t] : s.optimizer->state()) tensors.emplace_back("optimizer/" + name, t);
  return tensors;
}

}  // namespace

void save_train_state(const std::string& path, const TrainState& s) {
  io::CheckpointMeta meta;
  meta.architecture = s.architecture;
  meta.config = s.config;
  meta.step = s.optimizer ? s.optimizer->steps() : 0;
  for (const auto& [name, g] : s.generators) meta.rng.emplace(name, *g);
  meta.attributes = s.attributes;
  io::save_checkpoint(path, all_tensors(s), meta);
}

io::CheckpointMeta load_train_state(const std::string& path, TrainState& s) {
  const io::CheckpointMeta header = io::read_checkpoint_meta(path);
  if (header.architecture != s.architecture)
    throw CheckpointError(path, "holds a '" + header.architecture + "' model, expected '" + s.architecture + "'");
  io::CheckpointMeta meta = io::load_checkpoint(path, all_tensors(s));
  if (s.optimizer) s.optimizer->set_steps(meta.step);
  for (auto& [name, g] : s.generators) {
    auto it = meta.rng.find(name);
    if (it == meta.rng.end()) throw CheckpointError(path, "no state for random generator '" + name + "'");
    *g = it->second;
  }
  return meta;
}

}  // namespace tessera::training
