#include "core/nn/module.h"

#include "core/util/error.h"

namespace tessera::nn {

Tensor Module::register_parameter(const std::string& name, Tensor value) {
  value.set_requires_grad(true);
  params_.emplace_back(name, value);
  return value;
}

void Module::register_module(const std::string& name, Module& child) { children_.emplace_back(name, &child); }

void Module::replace_module(const std::string& name, Module& child) {
  for (auto& [n, c] : children_)
    if (n == name) {
      c = &child;
      return;
    }
  throw Error("module has no child '" + name + "' to replace");
}

void Module::collect(const std::string& prefix, NamedTensors& out, std::set<const TensorImpl*>& seen) const {
  for (const auto& [name, t] : params_)
    if (seen.insert(t.impl()).second) out.emplace_back(prefix + name, t);
  for (const auto& [name, child] : children_) child->collect(prefix + name + "/", out, seen);
}

NamedTensors Module::named_parameters() const {
  NamedTensors out;
  std::set<const TensorImpl*> seen;
  collect("", out, seen);
  return out;
}

std::vector<Tensor> Module::parameters() const {
  std::vector<Tensor> out;
  for (auto& [name, t] : named_parameters()) out.push_back(t);
  return out;
}

int64_t Module::num_parameters() const {
  int64_t n = 0;
  for (const auto& [name, t] : named_parameters()) n += t.numel();
  return n;
}

void Module::zero_grad() {
  for (auto& [name, t] : named_parameters()) t.zero_grad();
}

void Module::to(Device device) {
  for (auto& [name, t] : named_parameters()) {
    if (t.device() == device) continue;
    const Tensor moved = t.to(device);
    TensorImpl* impl = t.impl();
    impl->storage = moved.impl()->storage;
    impl->offset = 0;
    impl->strides = contiguous_strides(impl->shape);
    t.zero_grad();
  }
}

Device Module::device() const {
  const NamedTensors params = named_parameters();
  return params.empty() ? Device::cpu() : params.front().second.device();
}

Tensor Module::place(const Tensor& t) const {
  const Device d = device();
  return t.device() == d ? t : t.to(d);
}

void Module::set_training(bool on) {
  training_ = on;
  for (auto& [name, child] : children_) child->set_training(on);
}

void Module::visit_modules(const std::function<void(Module&)>& visit) {
  visit(*this);
  for (auto& [name, child] : children_) child->visit_modules(visit);
}

}  // namespace tessera::nn
