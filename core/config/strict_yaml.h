#pragma once
// YAML read the way the saved config.yaml is read back elsewhere. yaml-cpp keeps the first of two
// equal keys where PyYAML keeps the last, and ignores every document after the first where PyYAML
// refuses them; and a key written without a value would silently fall back to its default. All of
// these are errors here, naming the key and where it was written.
#include <yaml-cpp/yaml.h>

#include <string>

namespace tessera::config {

// Where YAML text comes from, for error messages.
struct YamlOrigin {
  std::string file;      // the config file that every error names
  std::string set_arg;   // the --set argument whose value the text is; empty: the file's own text
  std::string key_path;  // where the text's top node lands in the config; empty for the file
};

// One YAML document (an empty text gives a null node). Throws ConfigError on invalid YAML, a second
// document, a key given twice, a key that is not plain text (a list, mapping, alias or nothing), or
// a value or list item that is null (`~`, `null` or nothing at all).
YAML::Node parse_strict_yaml(const std::string& text, const YamlOrigin& origin);

}  // namespace tessera::config
