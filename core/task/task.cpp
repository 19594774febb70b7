#include "core/task/task.h"

#include "core/util/error.h"

namespace tessera {
namespace {

std::map<std::string, TaskFactory>& registry() {
  static std::map<std::string, TaskFactory> tasks;
  return tasks;
}

}  // namespace

void register_task(const std::string& name, TaskFactory factory) { registry()[name] = std::move(factory); }

std::unique_ptr<Task> make_task(config::Section& root) {
  std::vector<std::string> names;
  for (const auto& [name, f] : registry()) names.push_back(name);
  return registry().at(root.choice("task", "", names))(root);
}

}  // namespace tessera
