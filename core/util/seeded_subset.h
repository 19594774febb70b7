#pragma once
// A seeded share of a list: the training examples a learning-curve run keeps.
#include <algorithm>
#include <cmath>
#include <vector>

#include "core/util/rng.h"

namespace tessera {

// A seeded subset of `items` keeping round(fraction x size) of them, at least one (for learning
// curves over the share of training labels), in their original order.
template <class T>
std::vector<T> seeded_subset(const std::vector<T>& items, double fraction, uint64_t seed) {
  if (fraction >= 1.0 || items.empty()) return items;
  std::vector<size_t> order(items.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  Generator g(seed);
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[g.below(i)]);
  const size_t keep = std::max<size_t>(1, static_cast<size_t>(std::llround(fraction * static_cast<double>(items.size()))));
  order.resize(std::min(keep, order.size()));
  std::sort(order.begin(), order.end());
  std::vector<T> out;
  for (size_t i : order) out.push_back(items[i]);
  return out;
}

}  // namespace tessera
