#include "core/autograd/autograd.h"

#include <unordered_map>
#include <unordered_set>

#include "core/util/error.h"

namespace tessera::autograd {
namespace {
thread_local bool g_grad_enabled = true;
thread_local GradReadyHook* g_grad_ready_hook = nullptr;

bool is_leaf_needing_grad(const Tensor& t) { return t.defined() && t.requires_grad() && t.is_leaf(); }
}

bool grad_enabled() { return g_grad_enabled; }

NoGradScope::NoGradScope() : previous_(g_grad_enabled) { g_grad_enabled = false; }
NoGradScope::~NoGradScope() { g_grad_enabled = previous_; }

GradReadyScope::GradReadyScope(GradReadyHook hook) : hook_(std::move(hook)), previous_(g_grad_ready_hook) {
  g_grad_ready_hook = &hook_;
}
GradReadyScope::~GradReadyScope() { g_grad_ready_hook = previous_; }

bool needs_graph(const std::vector<Tensor>& inputs) {
  if (!g_grad_enabled) return false;
  for (const Tensor& t : inputs)
    if (t.defined() && t.requires_grad()) return true;
  return false;
}

void record(Tensor& out, std::vector<Tensor> inputs, BackwardFn backward) {
  TensorImpl* impl = out.impl();
  impl->requires_grad = true;
  impl->inputs = std::move(inputs);
  impl->backward = std::move(backward);
}

}  // namespace tessera::autograd

namespace tessera {

void Tensor::backward(const Tensor& grad_output) const {
  if (!requires_grad()) throw ShapeError("backward() on a tensor that does not require grad");
  Tensor seed = grad_output;
  if (!seed.defined()) {
    if (numel() != 1) throw ShapeError("backward() without a gradient needs a scalar, got " + shape_str(shape()));
    seed = Tensor::full(shape(), 1.0, dtype(), device());
  }

  // Iterative post-order DFS gives a topological order without deep recursion.
  // Owning references: clearing a node's edges below may drop the last other owner of its inputs.
  std::vector<std::shared_ptr<TensorImpl>> order;
  std::unordered_set<TensorImpl*> seen;
  std::vector<std::pair<std::shared_ptr<TensorImpl>, size_t>> stack{{impl_ptr(), 0}};
  seen.insert(impl());
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    if (next < node->inputs.size()) {
      std::shared_ptr<TensorImpl> child = node->inputs[next++].impl_ptr();
      if (child && child->requires_grad && child->backward && seen.insert(child.get()).second)
        stack.push_back({std::move(child), 0});
    } else {
      order.push_back(std::move(node));
      stack.pop_back();
    }
  }

  // With a grad-ready hook: how many graph nodes still have to add to each leaf's gradient.
  autograd::GradReadyHook* const hook = autograd::g_grad_ready_hook;
  std::unordered_map<TensorImpl*, int> pending_edges;
  if (hook)
    for (const auto& node : order)
      if (node->backward)
        for (const Tensor& input : node->inputs)
          if (autograd::is_leaf_needing_grad(input)) ++pending_edges[input.impl()];

  const_cast<Tensor*>(this)->accumulate_grad(seed);
  autograd::NoGradScope no_grad;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    std::shared_ptr<TensorImpl> node = std::move(*it);
    if (!node->backward) continue;  // the root itself may be a leaf
    if (node->grad) {
      Tensor g(node->grad);
      node->backward(node->inputs, g);
    }
    if (hook)
      for (const Tensor& input : node->inputs)
        if (autograd::is_leaf_needing_grad(input) && --pending_edges[input.impl()] == 0) (*hook)(input);
    // Free the graph behind us: intermediate gradients, saved activations and edges.
    node->grad.reset();
    node->inputs.clear();
    node->backward = nullptr;
  }
}

}  // namespace tessera
