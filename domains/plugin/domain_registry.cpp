#include "domains/plugin/domain_registry.h"

#include "core/task/model_parts.h"
#include "core/util/error.h"

namespace tessera::domains {

// Defined in the generated all_domains.cpp: one call per entry of TESSERA_DOMAINS.
std::vector<Domain> built_in_domains();

namespace {

std::vector<Domain>& domains() {
  static std::vector<Domain> all;
  return all;
}

}  // namespace

void register_domains() {
  static const bool registered = [] {
    for (Domain& d : built_in_domains()) {
      for (const auto& [name, factory] : d.tasks) register_task(name, factory);
      domains().push_back(std::move(d));
    }
    return true;
  }();
  (void)registered;
}

const std::vector<Domain>& registered_domains() {
  register_domains();
  return domains();
}

const DomainModel* find_model(const std::string& architecture, std::string* domain_name) {
  for (const Domain& d : registered_domains())
    for (const DomainModel& m : d.models)
      if (m.kind.architecture == architecture) {
        if (domain_name) *domain_name = d.name;
        return &m;
      }
  return nullptr;
}

std::vector<std::string> checkpoint_domains(const io::CheckpointMeta& meta, const std::string& path) {
  std::vector<std::string> architectures{meta.architecture};
  if (meta.architecture == kMultiDomainArchitecture) {
    architectures.clear();
    for (const ModelPart& p : model_parts(meta, path)) architectures.push_back(p.architecture);
  }
  std::vector<std::string> names;
  for (const std::string& architecture : architectures) {
    std::string name;
    if (!find_model(architecture, &name))
      throw CheckpointError(path, "holds a '" + architecture + "' model, which no domain of this build knows");
    names.push_back(name);
  }
  return names;
}

}  // namespace tessera::domains
