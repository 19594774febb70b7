#include "core/task/base_checkpoint.h"

#include <filesystem>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>

#include "core/task/model_parts.h"
#include "core/util/error.h"

namespace tessera {
namespace {

std::string attribute(const io::CheckpointMeta& meta, const std::string& path, const std::string& name) {
  auto it = meta.attributes.find(name);
  if (it == meta.attributes.end()) throw CheckpointError(path, "holds adapters but no '" + name + "' attribute");
  return it->second;
}

// The part of `meta` holding `architecture`: "" for the whole checkpoint, none when it holds none.
std::optional<std::string> part_of(const io::CheckpointMeta& meta, const std::string& path,
                                   const std::string& architecture) {
  if (meta.architecture == architecture) return std::string();
  if (meta.architecture == kMultiDomainArchitecture)
    for (const ModelPart& p : model_parts(meta, path))
      if (p.architecture == architecture) return p.name;
  return std::nullopt;
}

}  // namespace

BaseMatch match_base(const std::string& base, const std::string& architecture, const nn::NamedTensors& params,
                     const std::set<std::string>& shared, const std::set<std::string>& required) {
  const io::CheckpointMeta meta = io::read_checkpoint_meta(base);
  const std::vector<io::StoredTensor> listing = io::list_checkpoint_tensors(base);
  std::map<std::string, io::StoredTensor> stored;
  for (const io::StoredTensor& t : listing) stored.emplace(t.name, t);
  const std::optional<std::string> part = part_of(meta, base, architecture);
  const nn::NamedTensors named = part ? stored_names(*part, params, listing) : params;

  BaseMatch match;
  std::vector<std::string> problems;
  for (size_t i = 0; i < params.size(); ++i) {
    const auto& [name, t] = params[i];
    if (!part && !shared.count(name)) continue;
    auto it = stored.find(named[i].first);
    if (it != stored.end() && it->second.shape == t.shape() && it->second.dtype == t.dtype()) {
      match.names.push_back(name);
      match.stored.emplace_back(named[i].first, t);
    } else if (required.count(name)) {
      problems.push_back(it == stored.end() ? "it has no '" + name + "'"
                                            : "'" + name + "' is " + shape_str(it->second.shape) + " " +
                                                  dtype_name(it->second.dtype) + " there but " + shape_str(t.shape()) +
                                                  " " + dtype_name(t.dtype()) + " in this model");
    }
  }
  if (!problems.empty()) {
    std::string msg = "cannot be the base of this '" + architecture + "' model, its trunk differs: " + problems[0];
    if (problems.size() > 1) msg += "; and " + std::to_string(problems.size() - 1) + " more";
    throw CheckpointError(base, msg);
  }
  return match;
}

void load_base(const std::string& base, const BaseMatch& match) { io::load_tensors(base, match.stored); }

void check_base(const std::string& checkpoint, const std::string& base, const std::string& recorded) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(base, ec))
    throw CheckpointError(checkpoint, "its base checkpoint " + base + " is missing (the checkpoint holds only what "
                                      "fine-tuning trained, on top of that base)");
  const std::string actual = io::checkpoint_checksum(base);
  if (actual != recorded)
    throw CheckpointError(checkpoint, "was fine-tuned from " + base + " (" + recorded + "), but that file has changed since (" +
                                          actual + ")");
}

bool holds_adapters(const io::CheckpointMeta& meta) {
  auto it = meta.attributes.find(kFinetuneModeAttribute);
  return it != meta.attributes.end() && it->second == "lora";
}

std::string lora_config_json(const nn::LoraConfig& c) {
  return nlohmann::json{{"rank", c.rank}, {"alpha", c.alpha}, {"dropout", c.dropout}, {"targets", c.targets}}.dump();
}

nn::LoraConfig lora_config_of(const io::CheckpointMeta& meta, const std::string& path) {
  const nlohmann::json j = nlohmann::json::parse(attribute(meta, path, kLoraAttribute), nullptr, false);
  nn::LoraConfig c;
  try {
    c.rank = j.at("rank").get<int64_t>();
    c.alpha = j.at("alpha").get<double>();
    c.dropout = j.at("dropout").get<double>();
    c.targets = j.at("targets").get<std::vector<std::string>>();
    nn::check_lora_config(c, "lora.");
  } catch (const nlohmann::json::exception&) {
    throw CheckpointError(path, "has an unreadable 'lora' attribute");
  } catch (const ConfigError& e) {
    throw CheckpointError(path, "has a bad 'lora' attribute: " + e.path() + " " + e.what());
  }
  return c;
}

std::set<std::string> load_base_of_adapters(const std::string& path, const io::CheckpointMeta& meta,
                                            const std::string& part, const std::string& architecture,
                                            const nn::NamedTensors& params) {
  const std::string base = attribute(meta, path, kInitFromAttribute);
  check_base(path, base, attribute(meta, path, kInitFromChecksumAttribute));
  const std::vector<io::StoredTensor> listing = io::list_checkpoint_tensors(path);
  std::set<std::string> own;
  for (const io::StoredTensor& t : listing) own.insert(t.name);
  const nn::NamedTensors named = stored_names(part, params, listing);
  std::set<std::string> from_base;
  nn::NamedTensors wanted;
  for (size_t i = 0; i < params.size(); ++i)
    if (!own.count(named[i].first)) {
      from_base.insert(params[i].first);
      wanted.push_back(params[i]);
    }
  load_base(base, match_base(base, architecture, wanted, from_base, from_base));
  return from_base;
}

}  // namespace tessera
