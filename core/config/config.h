#pragma once
// Run configs in YAML, read with validation. Every value is read through a typed accessor that
// checks type and range; every key present but never read is an error that lists the allowed
// keys; defaults are written back so the effective config (saved with the run) is complete.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace tessera::config {

class Section {
 public:
  Section(YAML::Node node, std::string prefix, std::string file);

  // A nested mapping (created empty when absent).
  Section section(const std::string& key);
  // True when the config gives `key` a value: for a section whose mere presence means something.
  bool has(const std::string& key) const;
  int64_t integer(const std::string& key, int64_t fallback, int64_t min = std::numeric_limits<int64_t>::min(),
                  int64_t max = std::numeric_limits<int64_t>::max());
  double number(const std::string& key, double fallback, double min = -std::numeric_limits<double>::infinity(),
                double max = std::numeric_limits<double>::infinity());
  bool boolean(const std::string& key, bool fallback);
  std::string text(const std::string& key, const std::string& fallback);
  std::string required_text(const std::string& key);
  std::string choice(const std::string& key, const std::string& fallback, const std::vector<std::string>& allowed);
  // Lists: a YAML sequence of scalars, or a single scalar read as a one-element list.
  std::vector<std::string> texts(const std::string& key, const std::vector<std::string>& fallback);
  std::vector<double> numbers(const std::string& key, const std::vector<double>& fallback,
                              double min = -std::numeric_limits<double>::infinity(),
                              double max = std::numeric_limits<double>::infinity());
  // A YAML sequence of mappings (empty when absent), each named `key[i]` in errors; call finish()
  // on each.
  std::vector<Section> sections(const std::string& key);
  // The keys present, in file order (for sections whose keys are names the user chooses).
  std::vector<std::string> keys() const;
  // Throws ConfigError for keys that were never read (typos, misplaced keys).
  void finish() const;
  // Throws ConfigError naming this key: for constraints that involve several keys.
  [[noreturn]] void fail(const std::string& key, const std::string& what) const;

 private:
  YAML::Node scalar(const std::string& key, const std::string& expected);
  // The key's value as V, or the fallback when absent; a value of another type is an error.
  template <class V>
  V value(const std::string& key, const V& fallback, const std::string& expected);
  std::string path(const std::string& key) const { return prefix_ + key; }

  YAML::Node node_;
  std::string prefix_;
  std::string file_;
  std::set<std::string> known_;
};

class ConfigFile {
 public:
  // Reads a YAML file strictly (core/config/strict_yaml.h) and applies --set overrides
  // "a.b.c=value" (core/config/config_override.h).
  static ConfigFile load(const std::string& path, const std::vector<std::string>& overrides = {});
  static ConfigFile parse(const std::string& yaml_text, const std::string& source);

  Section root() { return Section(root_, "", source_); }
  std::string effective_yaml() const;
  const std::string& source() const { return source_; }

 private:
  ConfigFile(YAML::Node root, std::string source) : root_(std::move(root)), source_(std::move(source)) {}
  YAML::Node root_;
  std::string source_;
};

}  // namespace tessera::config
