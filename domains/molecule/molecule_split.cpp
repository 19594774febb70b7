#include "domains/molecule/molecule_split.h"

#include <algorithm>
#include <map>
#include <numeric>

#include "core/util/rng.h"
#include "core/util/seeded_subset.h"

namespace tessera::molecule {
namespace {

template <class T>
void shuffle(std::vector<T>& v, Generator& g) {
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[g.below(i)]);
}

Split split_all_labels(const std::vector<std::string>& scaffolds, const SplitSpec& spec) {
  const int64_t n = static_cast<int64_t>(scaffolds.size());
  const double total = spec.fractions[0] + spec.fractions[1] + spec.fractions[2];
  const int64_t train_size = static_cast<int64_t>(spec.fractions[0] / total * static_cast<double>(n));
  const int64_t validation_size = static_cast<int64_t>(spec.fractions[1] / total * static_cast<double>(n));
  Generator g(spec.seed);
  Split s;
  if (spec.kind == "random") {
    std::vector<int64_t> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    shuffle(order, g);
    s.train.assign(order.begin(), order.begin() + train_size);
    s.validation.assign(order.begin() + train_size, order.begin() + train_size + validation_size);
    s.test.assign(order.begin() + train_size + validation_size, order.end());
    return s;
  }
  std::map<std::string, std::vector<int64_t>> by_scaffold;
  for (int64_t i = 0; i < n; ++i) by_scaffold[scaffolds[static_cast<size_t>(i)]].push_back(i);
  const int64_t test_size = n - train_size - validation_size;
  std::vector<std::vector<int64_t>> big, small;
  for (auto& [scaffold, members] : by_scaffold) {
    const int64_t size = static_cast<int64_t>(members.size());
    (2 * size > validation_size || 2 * size > test_size ? big : small).push_back(std::move(members));
  }
  shuffle(big, g);
  shuffle(small, g);
  for (auto* sets : {&big, &small})
    for (const std::vector<int64_t>& members : *sets) {
      const int64_t size = static_cast<int64_t>(members.size());
      std::vector<int64_t>& into = static_cast<int64_t>(s.train.size()) + size <= train_size ? s.train
                                   : static_cast<int64_t>(s.validation.size()) + size <= validation_size ? s.validation
                                                                                                         : s.test;
      into.insert(into.end(), members.begin(), members.end());
    }
  return s;
}

}  // namespace

Split split_molecules(const std::vector<std::string>& scaffolds, const SplitSpec& spec) {
  Split s = split_all_labels(scaffolds, spec);
  s.train = seeded_subset(s.train, spec.label_fraction, splitmix64(spec.seed ^ 0x1abe1ull));
  return s;
}

}  // namespace tessera::molecule
