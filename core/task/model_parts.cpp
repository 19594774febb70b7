#include "core/task/model_parts.h"

#include <nlohmann/json.hpp>
#include <set>

#include "core/util/error.h"

namespace tessera {

config::Section part_config(config::Section root, const std::string& part) {
  return root.section(kPartsSection).section(part);
}

std::string model_parts_json(const std::vector<ModelPart>& parts) {
  nlohmann::json list = nlohmann::json::array();
  for (const ModelPart& p : parts) list.push_back({{"name", p.name}, {"architecture", p.architecture}});
  return list.dump();
}

std::vector<ModelPart> model_parts(const io::CheckpointMeta& meta, const std::string& path) {
  auto it = meta.attributes.find("parts");
  if (it == meta.attributes.end()) throw CheckpointError(path, "is a multi-domain checkpoint without its list of parts");
  const nlohmann::json list = nlohmann::json::parse(it->second, nullptr, false);
  std::vector<ModelPart> parts;
  if (list.is_array())
    for (const nlohmann::json& p : list) {
      if (!p.is_object() || !p.contains("name") || !p.contains("architecture") || !p["name"].is_string() ||
          !p["architecture"].is_string())
        break;
      parts.push_back({p["name"].get<std::string>(), p["architecture"].get<std::string>()});
    }
  if (parts.empty() || parts.size() != list.size())
    throw CheckpointError(path, "has an unreadable list of parts");
  return parts;
}

std::string part_holding(const io::CheckpointMeta& meta, const std::string& path, const std::string& architecture,
                         const std::string& description) {
  if (meta.architecture != kMultiDomainArchitecture) {
    if (meta.architecture != architecture)
      throw CheckpointError(path, "holds a '" + meta.architecture + "' model, not " + description);
    return "";
  }
  std::string held;
  for (const ModelPart& p : model_parts(meta, path)) {
    if (p.architecture == architecture) return p.name;
    held += (held.empty() ? "" : ", ") + p.architecture;
  }
  throw CheckpointError(path, "is a multi-domain checkpoint of " + held + ", without " + description);
}

nn::NamedTensors stored_names(const std::string& part, const nn::NamedTensors& tensors,
                              const std::vector<io::StoredTensor>& stored) {
  if (part.empty()) return tensors;
  std::set<std::string> names;
  for (const io::StoredTensor& t : stored) names.insert(t.name);
  nn::NamedTensors out;
  for (const auto& [name, t] : tensors) {
    const std::string own = part + "/" + name;
    out.emplace_back(names.count(own) ? own : name, t);
  }
  return out;
}

std::vector<std::string> prefixes_outside(const std::string& part, const io::CheckpointMeta& meta,
                                          const std::string& path) {
  std::vector<std::string> prefixes{"optimizer/"};
  if (part.empty()) return prefixes;
  for (const ModelPart& p : model_parts(meta, path))
    if (p.name != part) prefixes.push_back(p.name + "/");
  return prefixes;
}

}  // namespace tessera
