#include "cli/suite_file.h"

#include <cctype>

#include "core/config/config.h"
#include "core/util/error.h"

namespace tessera::cli {
namespace {

// The name becomes the default output folder eval-suite-<name>: one plain path component.
bool plain_name(const std::string& name) {
  if (name.empty() || name.size() > 100 || name[0] == '.') return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

}  // namespace

std::string entry_label(size_t index, const SuiteEntry& entry) {
  return "evaluations[" + std::to_string(index) + "] (" + entry.domain + "): ";
}

SuiteFile read_suite_file(const std::string& path) {
  config::ConfigFile file = config::ConfigFile::load(path);
  config::Section root = file.root();
  SuiteFile suite;
  suite.path = path;
  suite.name = root.required_text("name");
  if (!plain_name(suite.name))
    root.fail("name", "'" + suite.name + "' must be letters, digits, '-', '_' or '.' (it names the output folder)");
  std::vector<config::Section> entries = root.sections("evaluations");
  if (entries.empty()) root.fail("evaluations", "is required: a list of {domain, checkpoint, flags}");
  root.finish();
  for (size_t i = 0; i < entries.size(); ++i) {
    config::Section& e = entries[i];
    SuiteEntry entry;
    entry.domain = e.required_text("domain");
    entry.checkpoint = e.text("checkpoint", "");
    config::Section flags = e.section("flags");
    for (const std::string& key : flags.keys()) {
      // The suite gives every evaluation its checkpoint and device itself.
      if (key.empty() || key[0] == '-' || key == "checkpoint" || key == "device")
        throw ConfigError(path, entry_label(i, entry) + "flags: '" + key +
                                    "' is not a flag of the evaluation (name flags without dashes; the checkpoint "
                                    "goes in the entry's checkpoint:, the device in --device)");
      entry.flags.emplace_back(key, flags.texts(key, {}));
    }
    flags.finish();
    e.finish();
    suite.evaluations.push_back(std::move(entry));
  }
  return suite;
}

}  // namespace tessera::cli
