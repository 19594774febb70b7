#pragma once
// The one path from a checkpoint back to a model for inference, shared by every domain: read the
// metadata, check the architecture, hand the stored config and attributes to the domain's builder,
// load the weights into what it built, switch to eval mode and move to the requested device.
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "core/config/config.h"
#include "core/io/checkpoint.h"
#include "core/nn/module.h"
#include "core/device/device.h"

namespace tessera {

// A checkpoint opened for rebuilding its model: what it stores besides the tensors. For a part of
// a multi-domain checkpoint (core/task/model_parts.h), the part's config and attributes.
class TrainedCheckpoint {
 public:
  TrainedCheckpoint(std::string path, io::CheckpointMeta meta, std::string part = "");

  const std::string& path() const { return path_; }
  const io::CheckpointMeta& meta() const { return meta_; }
  // The run's config as it was trained (the domain reads its model sections from it).
  config::Section config();
  // A JSON attribute (a tokenizer, a grid); CheckpointError naming it when missing or malformed.
  nlohmann::json json_attribute(const std::string& name) const;
  std::string text_attribute(const std::string& name) const;

 private:
  std::string path_;
  io::CheckpointMeta meta_;
  std::string part_;
  config::ConfigFile config_;
};

// What a checkpoint must hold to load into a domain's model: its architecture, and how the
// errors name it ("a weather forecast model").
struct ModelKind {
  std::string architecture;
  std::string description;
};

// Builds the domain's model from the opened checkpoint and returns the module to load into.
using ModelBuilder = std::function<nn::Module&(TrainedCheckpoint& checkpoint)>;

// Opens `path`, checks that it holds `kind` (itself or as a part), builds through `build`, loads the weights (optimizer
// moments skipped), and leaves the model in eval mode on `device`. Returns the opened checkpoint.
TrainedCheckpoint load_trained_model(const std::string& path, const ModelKind& kind, Device device,
                                     const ModelBuilder& build);

}  // namespace tessera
