#include "core/config/config_override.h"

#include <vector>

#include "core/config/config_error.h"
#include "core/config/strict_yaml.h"
#include "core/util/text_bytes.h"

namespace tessera::config {
namespace {

// Splits on '.', keeping empty names ("a..b", ".a", "a.") so that they can be refused.
std::vector<std::string> key_names(const std::string& key_path) {
  std::vector<std::string> names(1);
  for (const char c : key_path) {
    if (c == '.') names.emplace_back();
    else names.back() += c;
  }
  return names;
}

// Sets parent[key] to value, merging mapping into mapping. yaml-cpp nodes are handles, and
// assigning one to another rebinds it rather than copying, so the walk recurses instead.
void merge(YAML::Node parent, const std::string& key, const YAML::Node& value) {
  YAML::Node current = parent[key];
  if (current.IsMap() && value.IsMap()) {
    for (const auto& kv : value) merge(current, kv.first.Scalar(), kv.second);
    return;
  }
  parent[key] = value;
}

void place(YAML::Node node, const std::vector<std::string>& names, size_t i, const YAML::Node& value) {
  if (i + 1 == names.size()) return merge(node, names[i], value);
  if (!node[names[i]].IsMap()) node[names[i]] = YAML::Node(YAML::NodeType::Map);
  place(node[names[i]], names, i + 1, value);
}

}  // namespace

void apply_override(YAML::Node root, const std::string& arg, const std::string& file) {
  const size_t eq = arg.find('=');
  if (eq == std::string::npos || eq == 0) config_error(file, "--set expects key=value, got '" + arg + "'");
  const std::string key_path = arg.substr(0, eq);
  if (first_non_text_byte(key_path) != std::string::npos)
    config_error(file, "--set '" + arg + "': the key '" + key_path + "' is not text (UTF-8 without control characters)");
  const std::vector<std::string> names = key_names(key_path);
  for (const std::string& name : names)
    if (name.empty()) config_error(file, "--set '" + arg + "': the key '" + key_path + "' has an empty name in it");
  const YAML::Node value = parse_strict_yaml(arg.substr(eq + 1), {file, arg, key_path});
  // An explicit key must not quietly fall back to its default.
  if (value.IsNull()) config_error(file, key_path + ": has no value in --set '" + arg + "'");
  place(root, names, 0, value);
}

}  // namespace tessera::config
