// The grad-ready hook data-parallel training starts its gradient buckets from, and the pieces of
// gradient clipping it uses across ranks.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "core/autograd/autograd.h"
#include "core/ops/ops.h"
#include "core/optim/adamw.h"

namespace tessera {
namespace {

TEST(GradReadyHook, FiresOncePerLeafWithItsCompleteGradient) {
  Tensor a = Tensor::full({3}, 2.0).set_requires_grad(true);
  Tensor b = Tensor::full({3}, 5.0).set_requires_grad(true);
  Tensor unused = Tensor::full({3}, 1.0).set_requires_grad(true);
  // a is used twice, b once: a's gradient is complete only after both uses are back-propagated.
  Tensor loss = ops::sum(ops::add(ops::mul(a, b), ops::mul(a, a)));
  std::map<TensorImpl*, int> calls;
  std::map<TensorImpl*, double> grad_when_ready;
  {
    autograd::GradReadyScope scope([&](const Tensor& leaf) {
      ++calls[leaf.impl()];
      grad_when_ready[leaf.impl()] = leaf.grad().to_doubles()[0];
    });
    loss.backward();
  }
  EXPECT_EQ(calls[a.impl()], 1);
  EXPECT_EQ(calls[b.impl()], 1);
  EXPECT_EQ(calls.count(unused.impl()), 0u);
  EXPECT_DOUBLE_EQ(grad_when_ready[a.impl()], 5.0 + 2 * 2.0);  // d/da (ab + a^2) = b + 2a
  EXPECT_DOUBLE_EQ(grad_when_ready[b.impl()], 2.0);
}

TEST(GradReadyHook, OnlyInsideItsScope) {
  Tensor a = Tensor::full({2}, 1.0).set_requires_grad(true);
  int calls = 0;
  { autograd::GradReadyScope scope([&](const Tensor&) { ++calls; }); }
  ops::sum(ops::mul(a, a)).backward();
  EXPECT_EQ(calls, 0);
}

TEST(ClipGrads, SplitFormMatchesClipGradNorm) {
  Tensor a = Tensor::zeros({2}), b = Tensor::zeros({2});
  a.set_grad(Tensor::from_vector<float>({3, 0}, {2}));
  b.set_grad(Tensor::from_vector<float>({0, 4}, {2}));
  // As if a and b lived on two ranks: the norm comes from the summed squares.
  const double norm = std::sqrt(optim::grad_squared_sum({a}) + optim::grad_squared_sum({b}));
  EXPECT_DOUBLE_EQ(norm, 5.0);
  optim::clip_grads_to({a}, norm, 1.0);
  optim::clip_grads_to({b}, norm, 1.0);
  EXPECT_NEAR(a.grad().to_doubles()[0], 0.6, 1e-6);
  EXPECT_NEAR(b.grad().to_doubles()[1], 0.8, 1e-6);
}

}  // namespace
}  // namespace tessera
