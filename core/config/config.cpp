#include "core/config/config.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "core/config/config_error.h"
#include "core/config/config_override.h"
#include "core/config/strict_yaml.h"

namespace tessera::config {
namespace {

std::string shown(const YAML::Node& n) {
  if (n.IsScalar()) return "'" + n.Scalar() + "'";
  if (n.IsSequence()) return "a list";
  if (n.IsMap()) return "a mapping";
  return "nothing";
}

// yaml-cpp turns a double into 17 significant digits when it is stored (0.10000000000000001);
// store the shortest text that reads back to the same value.
std::string shortest_text(double v) {
  char text[32];
  for (int digits = 6; digits <= 17; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, v);
    if (std::strtod(text, nullptr) == v) break;
  }
  return text;
}

}  // namespace

Section::Section(YAML::Node node, std::string prefix, std::string file)
    : node_(std::move(node)), prefix_(std::move(prefix)), file_(std::move(file)) {}

void Section::fail(const std::string& key, const std::string& what) const { config_error(file_, path(key) + ": " + what); }

YAML::Node Section::scalar(const std::string& key, const std::string& expected) {
  known_.insert(key);
  YAML::Node n = node_[key];
  if (n.IsDefined() && !n.IsNull() && !n.IsScalar()) fail(key, "expected " + expected + ", got " + shown(n));
  return n;
}

bool Section::has(const std::string& key) const {
  const YAML::Node& node = node_;
  return node[key].IsDefined() && !node[key].IsNull();
}

Section Section::section(const std::string& key) {
  known_.insert(key);
  YAML::Node n = node_[key];
  if (!n.IsDefined() || n.IsNull()) {
    node_[key] = YAML::Node(YAML::NodeType::Map);
    n = node_[key];
  }
  if (!n.IsMap()) fail(key, "expected a mapping of keys, got " + shown(n));
  return Section(n, path(key) + ".", file_);
}

std::vector<Section> Section::sections(const std::string& key) {
  known_.insert(key);
  const YAML::Node n = node_[key];
  std::vector<Section> items;
  if (!n.IsDefined() || n.IsNull()) return items;
  if (!n.IsSequence()) fail(key, "expected a list of mappings, got " + shown(n));
  for (size_t i = 0; i < n.size(); ++i) {
    const std::string name = path(key) + "[" + std::to_string(i) + "]";
    if (!n[i].IsMap()) config_error(file_, name + ": expected a mapping of keys, got " + shown(n[i]));
    items.emplace_back(n[i], name + ".", file_);
  }
  return items;
}

template <class V>
V Section::value(const std::string& key, const V& fallback, const std::string& expected) {
  YAML::Node n = scalar(key, expected);
  if (!n.IsDefined() || n.IsNull()) return fallback;
  try {
    return n.as<V>();
  } catch (const YAML::Exception&) {
    fail(key, "expected " + expected + ", got " + shown(n));
  }
}

int64_t Section::integer(const std::string& key, int64_t fallback, int64_t min, int64_t max) {
  const int64_t v = value<int64_t>(key, fallback, "an integer");
  if (v < min) fail(key, "must be at least " + std::to_string(min) + ", got " + std::to_string(v));
  if (v > max) fail(key, "must be at most " + std::to_string(max) + ", got " + std::to_string(v));
  node_[key] = v;
  return v;
}

double Section::number(const std::string& key, double fallback, double min, double max) {
  const double v = value<double>(key, fallback, "a number");
  std::ostringstream range;
  if (!(v >= min)) range << "must be at least " << min << ", got " << v;
  else if (!(v <= max)) range << "must be at most " << max << ", got " << v;
  if (!range.str().empty()) fail(key, range.str());
  node_[key] = shortest_text(v);
  return v;
}

bool Section::boolean(const std::string& key, bool fallback) {
  const bool v = value<bool>(key, fallback, "true or false");
  node_[key] = v;
  return v;
}

std::string Section::text(const std::string& key, const std::string& fallback) {
  YAML::Node n = scalar(key, "a string");
  const std::string v = n.IsDefined() && !n.IsNull() ? n.Scalar() : fallback;
  node_[key] = v;
  return v;
}

std::string Section::required_text(const std::string& key) {
  YAML::Node n = scalar(key, "a string");
  if (!n.IsDefined() || n.IsNull() || n.Scalar().empty()) fail(key, "is required");
  return n.Scalar();
}

std::string Section::choice(const std::string& key, const std::string& fallback, const std::vector<std::string>& allowed) {
  const std::string v = text(key, fallback);
  for (const auto& a : allowed)
    if (v == a) return v;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  fail(key, "'" + v + "' is not one of: " + list);
}

std::vector<std::string> Section::texts(const std::string& key, const std::vector<std::string>& fallback) {
  known_.insert(key);
  YAML::Node n = node_[key];
  std::vector<std::string> v;
  if (!n.IsDefined() || n.IsNull()) v = fallback;
  else if (n.IsScalar()) v = {n.Scalar()};
  else if (n.IsSequence())
    for (const YAML::Node& item : n) {
      if (!item.IsScalar()) fail(key, "expected a list of values, got " + shown(item) + " in the list");
      v.push_back(item.Scalar());
    }
  else fail(key, "expected a list of values, got " + shown(n));
  YAML::Node stored(YAML::NodeType::Sequence);
  for (const std::string& item : v) stored.push_back(item);
  node_[key] = stored;
  return v;
}

std::vector<double> Section::numbers(const std::string& key, const std::vector<double>& fallback, double min, double max) {
  const YAML::Node given = node_[key];
  const bool absent = !given.IsDefined() || given.IsNull();
  std::vector<double> v;
  for (const std::string& item : texts(key, {})) {
    try {
      v.push_back(YAML::Node(item).as<double>());
    } catch (const YAML::Exception&) {
      fail(key, "expected a list of numbers, got '" + item + "'");
    }
    if (!(v.back() >= min && v.back() <= max)) {
      std::ostringstream range;
      range << "values must lie in [" << min << ", " << max << "], got " << v.back();
      fail(key, range.str());
    }
  }
  if (absent) {
    v = fallback;
    YAML::Node stored(YAML::NodeType::Sequence);
    for (double x : v) stored.push_back(shortest_text(x));
    node_[key] = stored;
  }
  return v;
}

std::vector<std::string> Section::keys() const {
  std::vector<std::string> out;
  if (node_.IsMap())
    for (const auto& kv : node_) out.push_back(kv.first.Scalar());
  return out;
}

void Section::finish() const {
  for (const auto& kv : node_) {
    const std::string key = kv.first.Scalar();
    if (known_.count(key)) continue;
    std::string allowed;
    for (const auto& k : known_) allowed += (allowed.empty() ? "" : ", ") + k;
    config_error(file_, "unknown key '" + path(key) + "' (allowed here: " + allowed + ")");
  }
}

ConfigFile ConfigFile::parse(const std::string& yaml_text, const std::string& source) {
  YAML::Node root = parse_strict_yaml(yaml_text, {source, "", ""});
  if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  if (!root.IsMap()) config_error(source, "the config must be a mapping of keys");
  return ConfigFile(root, source);
}

ConfigFile ConfigFile::load(const std::string& path, const std::vector<std::string>& overrides) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) config_error(path, "no such config file");
  std::ifstream in(path, std::ios::binary);
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (!in.is_open() || in.bad()) config_error(path, "cannot read the config file");
  ConfigFile file = parse(text, path);
  for (const std::string& o : overrides) apply_override(file.root_, o, path);
  return file;
}

std::string ConfigFile::effective_yaml() const {
  YAML::Emitter out;
  out << root_;
  return std::string(out.c_str()) + "\n";
}

}  // namespace tessera::config
