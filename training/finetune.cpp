#include "training/finetune.h"

#include <filesystem>
#include <iostream>

#include "core/io/checkpoint.h"
#include "core/task/base_checkpoint.h"
#include "core/util/error.h"

namespace tessera::training {
namespace {

namespace fs = std::filesystem;

const char* mode_name(FinetuneMode mode) {
  switch (mode) {
    case FinetuneMode::full: return "full";
    case FinetuneMode::frozen: return "frozen";
    case FinetuneMode::lora: return "lora";
  }
  return "full";
}

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// A fresh run would overwrite its base before a resumed run could read it again.
void refuse_own_checkpoint(const std::string& base, const std::string& checkpoint) {
  std::error_code ec;
  if (!checkpoint.empty() && fs::exists(checkpoint, ec) && fs::equivalent(base, checkpoint, ec))
    throw ConfigError("finetune.init_from", "is " + checkpoint + ", the checkpoint this run writes; fine-tune from a "
                                            "copy of it or into another --run-dir");
}

// The trunk's parameters by the model's names; `layers` gets those of its blocks and final norm,
// the layers a base must supply.
std::set<std::string> trunk_names(Task& task, const nn::NamedTensors& params, std::set<std::string>& layers) {
  std::map<const TensorImpl*, std::string> in_trunk;
  for (const auto& [name, t] : task.trunk().named_parameters()) in_trunk.emplace(t.impl(), name);
  std::set<std::string> names;
  for (const auto& [name, t] : params) {
    auto it = in_trunk.find(t.impl());
    if (it == in_trunk.end()) continue;
    names.insert(name);
    if (starts_with(it->second, "blocks/") || starts_with(it->second, "ln_f/")) layers.insert(name);
  }
  return names;
}

// `match` without the parameters `fresh` names by prefix; a prefix that names nothing the base
// holds, or names a trunk layer (which must come from the base), is an error.
void drop_fresh(BaseMatch& match, const std::vector<std::string>& fresh, const std::set<std::string>& layers) {
  for (const std::string& prefix : fresh) {
    BaseMatch kept;
    for (size_t i = 0; i < match.names.size(); ++i) {
      const std::string& name = match.names[i];
      if (!starts_with(name, prefix.c_str())) {
        kept.names.push_back(name);
        kept.stored.push_back(match.stored[i]);
      } else if (layers.count(name)) {
        throw ConfigError("finetune.fresh", "'" + prefix + "' names the trunk layer '" + name +
                                                "', which always comes from the base");
      }
    }
    if (kept.names.size() == match.names.size())
      throw ConfigError("finetune.fresh", "'" + prefix + "' names no parameter the base holds");
    match = std::move(kept);
  }
}

int64_t values_of(const nn::NamedTensors& tensors) {
  int64_t n = 0;
  for (const auto& [name, t] : tensors) n += t.numel();
  return n;
}

}  // namespace

FinetuneConfig FinetuneConfig::read(config::Section s) {
  FinetuneConfig c;
  c.init_from = s.text("init_from", "");
  const std::string mode = s.choice("mode", "full", {"full", "frozen", "lora"});
  c.mode = mode == "lora" ? FinetuneMode::lora : mode == "frozen" ? FinetuneMode::frozen : FinetuneMode::full;
  if (c.init_from.empty()) s.fail("init_from", "names no checkpoint to fine-tune from (set it, or pass --init-from)");
  c.fresh = s.texts("fresh", {});
  if (c.mode == FinetuneMode::lora) {
    config::Section l = s.section("lora");
    c.lora.rank = l.integer("rank", c.lora.rank, 1, 1 << 20);
    c.lora.alpha = l.number("alpha", c.lora.alpha, 1e-12, 1e12);
    c.lora.dropout = l.number("dropout", c.lora.dropout, 0.0, 0.999);
    c.lora.targets = l.texts("targets", c.lora.targets);
    l.finish();
    try {
      nn::check_lora_config(c.lora, "");
    } catch (const ConfigError& e) {
      l.fail(e.path(), e.what());
    }
  }
  s.finish();
  return c;
}

Finetuning prepare_finetuning(Task& task, const FinetuneConfig& c, uint64_t seed, const std::string& checkpoint,
                              const std::string& resume_from, bool root) {
  Finetuning ft;
  if (c.init_from.empty()) {
    ft.trainable = task.model().named_parameters();
    return ft;
  }
  std::error_code ec;
  const std::string base = fs::absolute(c.init_from, ec).lexically_normal().string();
  const io::CheckpointMeta base_meta = io::read_checkpoint_meta(base);  // missing, corrupt, foreign: one line
  if (holds_adapters(base_meta)) {
    auto named = base_meta.attributes.find(kInitFromAttribute);
    throw CheckpointError(base, "holds LoRA adapters, not a whole model; fine-tune from its base" +
                                    (named == base_meta.attributes.end() ? std::string() : " " + named->second) +
                                    " instead");
  }
  refuse_own_checkpoint(base, checkpoint);
  const std::string checksum = io::checkpoint_checksum(base);
  if (!resume_from.empty()) {
    const io::CheckpointMeta resumed = io::read_checkpoint_meta(resume_from);
    auto recorded = resumed.attributes.find(kInitFromChecksumAttribute);
    if (recorded == resumed.attributes.end())
      throw CheckpointError(resume_from, "was not fine-tuned, but the config now fine-tunes from " + base);
    check_base(resume_from, base, recorded->second);
  }

  std::set<std::string> layers;
  const std::set<std::string> trunk = trunk_names(task, task.model().named_parameters(), layers);
  if (c.mode == FinetuneMode::lora) {
    Generator init(splitmix64(seed ^ 0x10a0ull));
    nn::attach_lora(task.trunk(), c.lora, init);
  }
  const nn::NamedTensors params = task.model().named_parameters();
  BaseMatch match = match_base(base, task.architecture(), params, trunk, layers);
  drop_fresh(match, c.fresh, layers);
  // A resumed run's checkpoint holds everything but a lora run's frozen base.
  if (resume_from.empty() || c.mode == FinetuneMode::lora) load_base(base, match);

  if (c.mode != FinetuneMode::full)
    for (const std::string& name : match.names)
      if (trunk.count(name)) ft.frozen.insert(name);
  for (const auto& [name, t] : params) {
    if (!ft.frozen.count(name)) {
      ft.trainable.emplace_back(name, t);
      continue;
    }
    Tensor frozen(t);
    frozen.set_requires_grad(false);
  }
  ft.saves_frozen = c.mode != FinetuneMode::lora;
  ft.attributes = {{kInitFromAttribute, base}, {kInitFromChecksumAttribute, checksum}, {kFinetuneModeAttribute, mode_name(c.mode)}};
  if (c.mode == FinetuneMode::lora) ft.attributes[kLoraAttribute] = lora_config_json(c.lora);
  if (root)
    std::cerr << "fine-tuning (" << mode_name(c.mode) << ") from " << base << ": "
              << (resume_from.empty() ? "" : "resumed; ") << match.names.size() << " of " << params.size()
              << " parameter tensors from the base, " << params.size() - match.names.size() << " fresh; "
              << ft.trainable.size() << " tensors (" << values_of(ft.trainable) << " values) train, " << ft.frozen.size()
              << " frozen\n";
  return ft;
}

}  // namespace tessera::training
