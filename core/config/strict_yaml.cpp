#include "core/config/strict_yaml.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>
#include <vector>

#include "core/config/config_error.h"
#include "core/util/text_bytes.h"

namespace tessera::config {
namespace {

std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

// "at line 7" in the file; a --set value is one argument, so it names the argument instead.
std::string where(const YamlOrigin& origin, const YAML::Mark& at) {
  if (!origin.set_arg.empty()) return "in --set '" + origin.set_arg + "'";
  return at.is_null() ? "" : "at line " + std::to_string(at.line + 1);
}

// Walks the parser's events (not the built tree: aliases can make that a cycle) and refuses what
// the tree would hide: duplicate keys, keys that are not text, nulls and a second document. It
// runs on text that has parsed, so every event it sees belongs to valid YAML.
class StrictChecker : public YAML::EventHandler {
 public:
  explicit StrictChecker(const YamlOrigin& origin) : origin_(origin) {}

  void OnDocumentStart(const YAML::Mark& at) override {
    if (seen_document_)
      config_error(origin_.file, "a second YAML document " + where(origin_, at) + " (a config is one document)");
    seen_document_ = true;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& at, YAML::anchor_t) override {
    const Place place = enter(at, Kind::null);
    if (stack_.empty()) return;  // an empty text: the caller decides what nothing means
    std::string what = place.path + ": has no value " + where(origin_, place.at);
    if (origin_.set_arg.empty()) what += "; give one, or leave the key out to use its default";
    config_error(origin_.file, what);
  }
  void OnAlias(const YAML::Mark& at, YAML::anchor_t) override { enter(at, Kind::other); }
  void OnScalar(const YAML::Mark& at, const std::string&, YAML::anchor_t, const std::string& value) override {
    enter(at, Kind::scalar, value);
  }
  void OnSequenceStart(const YAML::Mark& at, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    stack_.emplace_back(false, enter(at, Kind::other).path);
  }
  void OnSequenceEnd() override { stack_.pop_back(); }
  void OnMapStart(const YAML::Mark& at, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    stack_.emplace_back(true, enter(at, Kind::other).path);
  }
  void OnMapEnd() override { stack_.pop_back(); }

 private:
  enum class Kind { null, scalar, other };
  struct Frame {
    Frame(bool map, std::string key_path) : is_map(map), path(std::move(key_path)) {}
    bool is_map;
    std::string path;
    bool awaiting_value = false;  // a mapping alternates key, value, key, ...
    std::string key;
    YAML::Mark key_at;
    std::map<std::string, int> key_lines;
    int64_t items = 0;  // a sequence's items so far
  };
  // A value's key path, and where it was written: a mapping value at its key (a missing value has
  // no position of its own; the parser reports the next token's).
  struct Place {
    std::string path;
    YAML::Mark at;
  };

  // Accounts for a node that starts at `at`. A mapping key is checked here and needs nothing more.
  Place enter(const YAML::Mark& at, Kind kind, const std::string& text = "") {
    if (stack_.empty()) return {origin_.key_path, at};
    Frame& f = stack_.back();
    if (!f.is_map) return {f.path + "[" + std::to_string(f.items++) + "]", at};
    if (f.awaiting_value) {
      f.awaiting_value = false;
      return {join(f.path, f.key), f.key_at};
    }
    f.awaiting_value = true;
    const std::string here = f.path.empty() ? "the top level" : f.path;
    if (kind == Kind::null) config_error(origin_.file, "a key with no name " + where(origin_, at) + " in " + here);
    if (kind != Kind::scalar)
      config_error(origin_.file, "a key that is not plain text " + where(origin_, at) + " in " + here +
                                     " (a list, mapping or alias cannot be a key)");
    f.key = text;
    f.key_at = at;
    const auto [first, fresh] = f.key_lines.emplace(text, at.line + 1);
    if (!fresh) {
      const std::string path = join(f.path, text);
      config_error(origin_.file, origin_.set_arg.empty()
                                     ? path + ": given twice, at lines " + std::to_string(first->second) + " and " +
                                           std::to_string(at.line + 1)
                                     : path + ": given twice " + where(origin_, at));
    }
    return {};
  }

  const YamlOrigin& origin_;
  std::vector<Frame> stack_;
  bool seen_document_ = false;
};

}  // namespace

YAML::Node parse_strict_yaml(const std::string& text, const YamlOrigin& origin) {
  const std::string invalid = origin.set_arg.empty() ? "invalid YAML " : "invalid YAML value ";
  const size_t bad = first_non_text_byte(text);
  if (bad != std::string::npos) {
    YAML::Mark at;
    at.line = static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n'));
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(text[bad]));
    config_error(origin.file, invalid + where(origin, at) + ": byte " + hex + " is not text (UTF-8 without control characters; lines end in LF or CRLF)");
  }
  try {
    YAML::Node root = YAML::Load(text);  // first: syntax errors are reported as such
    std::istringstream in(text);
    YAML::Parser parser(in);
    StrictChecker checker(origin);
    while (parser.HandleNextDocument(checker)) continue;  // a second document throws as it starts
    return root;
  } catch (const YAML::DeepRecursion& e) {
    config_error(origin.file, invalid + where(origin, e.mark) + ": nested too deeply");
  } catch (const YAML::ParserException& e) {
    config_error(origin.file, invalid + where(origin, e.mark) + ": " + e.msg);
  }
}

}  // namespace tessera::config
