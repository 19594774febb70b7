#include "core/task/trained_model.h"

#include "core/util/error.h"

namespace tessera {

TrainedCheckpoint::TrainedCheckpoint(std::string path, io::CheckpointMeta meta)
    : path_(std::move(path)), meta_(std::move(meta)), config_(config::ConfigFile::parse(meta_.config, path_)) {}

std::string TrainedCheckpoint::text_attribute(const std::string& name) const {
  auto it = meta_.attributes.find(name);
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
  if (meta.architecture != kind.architecture)
    throw CheckpointError(path, "holds a '" + meta.architecture + "' model, not " + kind.description);
  TrainedCheckpoint checkpoint(path, std::move(meta));
  nn::Module& model = build(checkpoint);
  io::load_checkpoint(path, model.named_parameters(), "optimizer/");
  model.set_training(false);
  model.to(device);
  return checkpoint;
}

}  // namespace tessera
