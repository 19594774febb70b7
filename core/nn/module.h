#pragma once
// Modules own named parameters and child modules; a parameter's full name is its module path,
// e.g. "trunk/blocks/3/attn/qkv/weight", and that name is what checkpoints store. A module may be
// the child of several (one trunk shared by the models of several domains): its parameters are
// listed once, under the first path that reaches them.
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/tensor/tensor.h"

namespace tessera::nn {

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

class Module {
 public:
  Module() = default;
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  NamedTensors named_parameters() const;
  std::vector<Tensor> parameters() const;
  int64_t num_parameters() const;
  void zero_grad();
  // Moves every parameter to `device` in place: each keeps its Tensor identity (handles held by
  // layers and optimizers see the move) and loses its gradient. Device of the parameters (cpu
  // when there are none).
  void to(Device device);
  Device device() const;
  // `t` on the parameters' device (t itself when it is there already): how callers feed a model.
  Tensor place(const Tensor& t) const;
  // Training mode switches dropout on; evaluation mode off.
  void set_training(bool on);
  bool training() const { return training_; }
  // Calls `visit` on this module and on every module below it.
  void visit_modules(const std::function<void(Module&)>& visit);

 protected:
  Tensor register_parameter(const std::string& name, Tensor value);
  void register_module(const std::string& name, Module& child);
  // Points the child registered as `name` at `child` instead (sharing a layer another module owns).
  void replace_module(const std::string& name, Module& child);

 private:
  void collect(const std::string& prefix, NamedTensors& out, std::set<const TensorImpl*>& seen) const;
  NamedTensors params_;
  std::vector<std::pair<std::string, Module*>> children_;
  bool training_ = true;
};

}  // namespace tessera::nn
