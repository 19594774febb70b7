#include "tests/fuzz/config_walk.h"

#include <cstdio>
#include <cstdlib>

#include "core/config/config_compare.h"
#include "core/nn/trunk_config_reader.h"
#include "core/util/error.h"

namespace tessera::fuzz {
namespace {

// A scalar is tried as each type a domain might ask for; a ConfigError for the wrong type is the
// accessor working, so the next type is tried.
void read_scalar(config::Section& section, const std::string& key) {
  const auto attempt = [&](auto read) {
    try {
      read();
      return true;
    } catch (const ConfigError&) {
      return false;
    }
  };
  if (attempt([&] { section.integer(key, 0, -1000, 1000000); })) return;
  if (attempt([&] { section.number(key, 0.0, 0.0, 1.0); })) return;
  if (attempt([&] { section.boolean(key, false); })) return;
  if (attempt([&] { section.choice(key, "a", {"a", "b"}); })) return;
  section.text(key, "");
}

// `shape` is a copy of the section's node: Section hands out no nodes, and the keys come in the
// same order from both.
void walk(config::Section& section, const YAML::Node& shape, int depth) {
  const std::vector<std::string> keys = section.keys();
  size_t i = 0;
  for (const auto& kv : shape) {
    if (i == keys.size()) break;
    const std::string& key = keys[i++];
    const YAML::Node& value = kv.second;
    if (value.IsMap() && depth < 8) {
      config::Section inner = section.section(key);
      walk(inner, value, depth + 1);
    } else if (value.IsSequence() && value.size() > 0 && value[0].IsMap() && depth < 8) {
      std::vector<config::Section> items = section.sections(key);
      for (size_t k = 0; k < items.size(); ++k) walk(items[k], value[k], depth + 1);
    } else if (value.IsSequence()) {
      try {
        section.numbers(key, {}, -1e9, 1e9);
      } catch (const ConfigError&) {
        section.texts(key, {});
      }
    } else {
      read_scalar(section, key);
    }
  }
  section.finish();
}

}  // namespace

void read_like_a_run(config::ConfigFile& file) {
  try {
    config::Section root = file.root();
    config::Section model = root.section("model");
    nn::read_trunk_config(model, nn::TrunkConfig{});
  } catch (const ConfigError&) {
  }
  config::Section root = file.root();
  walk(root, YAML::Load(file.effective_yaml()), 0);
  const std::string effective = file.effective_yaml();
  try {
    const std::string again = config::ConfigFile::parse(effective, "effective.yaml").effective_yaml();
    if (!config::extends_config(effective, again) || !config::extends_config(again, effective)) {
      std::fprintf(stderr, "fuzz: finding: the effective config reads back as another config:\n%s---\n%s", effective.c_str(), again.c_str());
      std::abort();
    }
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "fuzz: finding: the effective config does not parse again: %s\n%s", e.what(), effective.c_str());
    std::abort();
  }
}

}  // namespace tessera::fuzz
