#include "core/task/trained_model.h"

#include <algorithm>

#include "core/task/base_checkpoint.h"
#include "core/task/model_parts.h"
#include "core/util/error.h"

namespace tessera {

TrainedCheckpoint::TrainedCheckpoint(std::string path, io::CheckpointMeta meta, std::string part)
    : path_(std::move(path)), meta_(std::move(meta)), part_(std::move(part)),
      config_(config::ConfigFile::parse(meta_.config, path_)) {}

config::Section TrainedCheckpoint::config() {
  return part_.empty() ? config_.root() : part_config(config_.root(), part_);
}

std::string TrainedCheckpoint::text_attribute(const std::string& name) const {
  auto it = meta_.attributes.find(part_.empty() ? name : part_ + "/" + name);
  if (it == meta_.attributes.end()) throw CheckpointError(path_, "has no " + name);
  return it->second;
}

nlohmann::json TrainedCheckpoint::json_attribute(const std::string& name) const {
  nlohmann::json value = nlohmann::json::parse(text_attribute(name), nullptr, false);
  if (value.is_discarded()) throw CheckpointError(path_, "has an unreadable " + name);
  return value;
}

TrainedCheckpoint load_trained_model(const std::string& path, const ModelKind& kind, Device device,
                                     const ModelBuilder& build) {
  io::CheckpointMeta meta = io::read_checkpoint_meta(path);
  const std::string part = part_holding(meta, path, kind.architecture, kind.description);
  const std::vector<std::string> skipped = prefixes_outside(part, meta, path);
  TrainedCheckpoint checkpoint(path, std::move(meta), part);
  nn::Module& model = build(checkpoint);
  nn::NamedTensors params = model.named_parameters();
  if (holds_adapters(checkpoint.meta())) {
    // The values are the checkpoint's; the generator only gives the adapters a shape to load into.
    Generator unused;
    nn::attach_lora(model, lora_config_of(checkpoint.meta(), path), unused);
    params = model.named_parameters();
    const std::set<std::string> from_base = load_base_of_adapters(path, checkpoint.meta(), part, kind.architecture, params);
    params.erase(std::remove_if(params.begin(), params.end(),
                                [&](const auto& named) { return from_base.count(named.first) > 0; }),
                 params.end());
  }
  io::load_checkpoint(path, stored_names(part, params, io::list_checkpoint_tensors(path)), skipped);
  model.set_training(false);
  model.to(device);
  return checkpoint;
}

}  // namespace tessera
