#pragma once
// The baseline a structure model must beat: the mean C-beta distance of residue pairs at each
// sequence separation, fitted on the training chains and nothing else. It knows the chain's
// length and nothing about its sequence.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "domains/protein/protein_chain.h"

namespace tessera::protein {

class SeparationBaseline {
 public:
  SeparationBaseline() = default;
  static SeparationBaseline fit(const std::vector<const ProteinChain*>& chains);
  // Mean distance at separation |i - j| >= 1; beyond the fitted range, the last fitted mean.
  double distance(int64_t separation) const;
  // Predicted distances [L * L] for a chain of `length` residues.
  std::vector<double> distances(int64_t length) const;
  nlohmann::json to_json() const { return mean_distance_; }
  static SeparationBaseline from_json(const nlohmann::json& j);

 private:
  std::vector<double> mean_distance_;  // by separation; [0] = 0
};

}  // namespace tessera::protein
