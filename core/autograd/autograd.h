#pragma once
// Reverse-mode automatic differentiation. Each differentiable op that sees an input requiring
// a gradient attaches to its output the inputs and a backward function; Tensor::backward walks
// that graph in reverse topological order and frees it as it goes.
#include <functional>
#include <vector>

#include "core/tensor/tensor.h"

namespace tessera::autograd {

bool grad_enabled();

// Within this scope no op records history (inference, evaluation, optimizer updates).
class NoGradScope {
 public:
  NoGradScope();
  ~NoGradScope();
  NoGradScope(const NoGradScope&) = delete;
  NoGradScope& operator=(const NoGradScope&) = delete;

 private:
  bool previous_;
};

// Called with each leaf (a parameter) as soon as its gradient for the running backward pass is
// complete, while the pass goes on with the rest of the graph: data-parallel training starts
// sending a gradient bucket from here. Leaves the pass never reaches are not reported.
using GradReadyHook = std::function<void(const Tensor& leaf)>;

// Installs a hook for the backward passes run on this thread within its scope.
class GradReadyScope {
 public:
  explicit GradReadyScope(GradReadyHook hook);
  ~GradReadyScope();
  GradReadyScope(const GradReadyScope&) = delete;
  GradReadyScope& operator=(const GradReadyScope&) = delete;

 private:
  GradReadyHook hook_;
  GradReadyHook* previous_;
};

// True when grad mode is on and any of the inputs requires a gradient.
bool needs_graph(const std::vector<Tensor>& inputs);

// Attaches the graph edges and backward function to a freshly computed output. The backward
// function must capture saved tensors with detach() (never `out` itself: that would be a cycle).
void record(Tensor& out, std::vector<Tensor> inputs, BackwardFn backward);

// Convenience for backward functions: adds g to inputs[i]'s gradient when it wants one.
inline void add_grad(std::vector<Tensor>& inputs, size_t i, const Tensor& g) {
  if (inputs[i].requires_grad()) inputs[i].accumulate_grad(g);
}
inline bool wants_grad(const std::vector<Tensor>& inputs, size_t i) {
  return inputs.size() > i && inputs[i].defined() && inputs[i].requires_grad();
}

}  // namespace tessera::autograd
