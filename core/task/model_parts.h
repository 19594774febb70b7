#pragma once
// A multi-domain checkpoint holds the models of several domains on one trunk (architecture
// "multi"). Its attribute "parts" lists them, [{"name": "weather", "architecture": "weather/forecast"},
// ...]; each part's parameters are stored under "<part>/<name>", its attributes as "<part>/<name>",
// its config as the run config's section <part>; the shared trunk layers are stored once, under
// their own names ("trunk/blocks/0/..."). A domain's model loads from such a checkpoint as from its
// own: every name resolves to the part's copy first, then to the shared one.
#include <string>
#include <vector>

#include "core/config/config.h"
#include "core/io/checkpoint.h"

namespace tessera {

inline constexpr const char* kMultiDomainArchitecture = "multi";
inline constexpr const char* kPartsSection = "parts";  // of a multi-domain run config

struct ModelPart {
  std::string name;
  std::string architecture;
};

// A part's own run config in the config of a multi-domain run.
config::Section part_config(config::Section root, const std::string& part);

std::string model_parts_json(const std::vector<ModelPart>& parts);
// The parts of a multi-domain checkpoint; CheckpointError (naming `path`) when the list is
// missing or malformed.
std::vector<ModelPart> model_parts(const io::CheckpointMeta& meta, const std::string& path);

// The part of the checkpoint at `path` that holds a model of `architecture`: "" when the whole
// checkpoint is one, the part's name in a multi-domain one. When it holds none, CheckpointError
// saying what it holds instead and naming what was wanted by `description`.
std::string part_holding(const io::CheckpointMeta& meta, const std::string& path, const std::string& architecture,
                         const std::string& description);

// `tensors` renamed to the names a checkpoint stores them under for `part` ("" : unchanged).
nn::NamedTensors stored_names(const std::string& part, const nn::NamedTensors& tensors,
                              const std::vector<io::StoredTensor>& stored);
// The prefixes of what a part's model does not load: optimizer moments and the other parts.
std::vector<std::string> prefixes_outside(const std::string& part, const io::CheckpointMeta& meta,
                                          const std::string& path);

}  // namespace tessera
