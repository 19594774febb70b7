#include "core/config/config_compare.h"

#include <yaml-cpp/yaml.h>

namespace tessera::config {
namespace {

bool extends(const YAML::Node& saved, const YAML::Node& current) {
  if (saved.Type() != current.Type()) return false;
  switch (saved.Type()) {
    case YAML::NodeType::Map:
      for (const auto& entry : saved) {
        const YAML::Node value = current[entry.first.Scalar()];
        if (!value.IsDefined() || !extends(entry.second, value)) return false;
      }
      return true;
    case YAML::NodeType::Sequence:
      if (saved.size() != current.size()) return false;
      for (size_t i = 0; i < saved.size(); ++i)
        if (!extends(saved[i], current[i])) return false;
      return true;
    case YAML::NodeType::Scalar:
      return saved.Scalar() == current.Scalar();
    default:
      return true;
  }
}

}  // namespace

bool extends_config(const std::string& saved, const std::string& current) {
  try {
    return extends(YAML::Load(saved), YAML::Load(current));
  } catch (const YAML::Exception&) {
    return false;
  }
}

}  // namespace tessera::config
