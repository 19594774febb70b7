#pragma once
// The chains a protein run trains on: read from data.path (a structure file or a folder of
// them), the unusable ones reported and dropped, the rest split by sequence identity.
#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "domains/protein/identity_split.h"
#include "domains/protein/protein_chain.h"

namespace tessera::protein {

inline constexpr size_t kMinChainLength = 10;

struct SplitOptions {
  double identity = 0.4;
  std::array<double, 3> fractions{0.8, 0.1, 0.1};
  uint64_t seed = 1;
};

struct TrainingChains {
  std::vector<ProteinChain> chains;
  std::vector<int> cluster;                                  // per chain
  std::vector<Split> split;                                  // per chain
  std::vector<std::pair<std::string, std::string>> skipped;  // file or chain, reason
  int clusters = 0;
  std::vector<const ProteinChain*> of(Split s) const;
};

// Why a chain cannot be a training target (empty when it can): too short, or without C-beta
// positions for most residues (a C-alpha-only model).
std::string unusable_reason(const ProteinChain& chain);

// Prints skipped files or chains to stderr: the first few by name, then how many more.
void report_skipped(const std::vector<std::pair<std::string, std::string>>& skipped);

// Reads every path (structure files or folders). Throws DataError naming the first path when no
// chain is usable, or when the training or validation split ends up empty.
TrainingChains load_training_chains(const std::vector<std::string>& paths, const SplitOptions& options);

}  // namespace tessera::protein
