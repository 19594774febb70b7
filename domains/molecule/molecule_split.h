#pragma once
// Train / validation / test splits, seeded: random, or Bemis-Murcko scaffold sets kept whole and
// balanced as Chemprop does (sets larger than half the validation or test size go to training
// first, the rest in a seeded random order).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace tessera::molecule {

struct SplitSpec {
  std::string kind = "random";  // random | scaffold
  uint64_t seed = 0;
  std::array<double, 3> fractions{0.8, 0.1, 0.1};
  // The share of the training split whose labels are used (a seeded subset; validation and test
  // stay as they are): for learning curves over the number of labels.
  double label_fraction = 1.0;
};

struct Split {
  std::vector<int64_t> train, validation, test;
};

// `scaffolds` holds one scaffold per example (read only for kind scaffold).
Split split_molecules(const std::vector<std::string>& scaffolds, const SplitSpec& spec);

}  // namespace tessera::molecule
