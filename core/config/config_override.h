#pragma once
// One --set argument, "a.b.c=value", applied to a parsed config. The value is YAML, read as
// strictly as the file (core/config/strict_yaml.h). A mapping merges into the mapping it lands on,
// so `--set 'training={lr: 0.5}'` changes lr and keeps the section's other keys; any other value
// replaces what was there. A later --set of the same key wins over an earlier one.
#include <yaml-cpp/yaml.h>

#include <string>

namespace tessera::config {

// `file` is the config the override applies to, named by every error.
void apply_override(YAML::Node root, const std::string& arg, const std::string& file);

}  // namespace tessera::config
