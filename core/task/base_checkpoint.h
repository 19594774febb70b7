#pragma once
// Fine-tuning starts a model from another run's checkpoint, its base (`finetune.init_from`): the
// parameters the model shares with the base by name and shape are copied, the rest keep their
// fresh values. A LoRA run's checkpoints hold only what trained and name their base, whose
// checksum they record; every loader takes the base first and the adapters on top.
#include <set>
#include <string>
#include <vector>

#include "core/io/checkpoint.h"
#include "core/nn/lora.h"

namespace tessera {

// Attributes of a fine-tuned run's checkpoints.
inline constexpr const char* kInitFromAttribute = "init_from";            // absolute path of the base
inline constexpr const char* kInitFromChecksumAttribute = "init_from_checksum";  // io::checkpoint_checksum
inline constexpr const char* kFinetuneModeAttribute = "finetune_mode";    // full | frozen | lora
inline constexpr const char* kLoraAttribute = "lora";                     // the adapters' settings, JSON

// Which of a model's parameters a base holds, by the names the model and the base use.
struct BaseMatch {
  std::vector<std::string> names;  // the model's names, in the model's order
  nn::NamedTensors stored;         // the same tensors under the base's names
};

// What of `params` (a model of `architecture`) the checkpoint at `base` holds: every name with the
// same shape and dtype when `base` holds a model of this architecture (also as a part of a
// multi-domain checkpoint, core/task/model_parts.h), otherwise only names in `shared` (the trunk).
// Every name in `required` must match; otherwise one CheckpointError naming `base` and what differs.
BaseMatch match_base(const std::string& base, const std::string& architecture, const nn::NamedTensors& params,
                     const std::set<std::string>& shared, const std::set<std::string>& required);
// Copies what `match` found from `base` into the model's tensors.
void load_base(const std::string& base, const BaseMatch& match);

// CheckpointError naming `checkpoint` and `base` when the base is gone or is not the file
// `checkpoint` was built on (`recorded` checksum).
void check_base(const std::string& checkpoint, const std::string& base, const std::string& recorded);

bool holds_adapters(const io::CheckpointMeta& meta);
std::string lora_config_json(const nn::LoraConfig& config);
// The adapters' settings stored in the checkpoint at `path`; CheckpointError when unreadable.
nn::LoraConfig lora_config_of(const io::CheckpointMeta& meta, const std::string& path);

// For the adapter checkpoint at `path` (meta read from it) and a model of `architecture` whose
// adapters are attached, stored in `path` under the names of `part` (core/task/model_parts.h; ""
// for a single-domain checkpoint): loads from its base every parameter of `params` that `path`
// does not store, after checking the base's checksum. Returns their names (the frozen base).
std::set<std::string> load_base_of_adapters(const std::string& path, const io::CheckpointMeta& meta,
                                            const std::string& part, const std::string& architecture,
                                            const nn::NamedTensors& params);

}  // namespace tessera
