#pragma once
// A whole chain through a trained structure model (no cropping): distogram probabilities, the
// quantities read off them, per-residue confidence and a C-alpha model.
#include <cstdint>
#include <string>
#include <vector>

#include "domains/protein/coordinates_from_distances.h"
#include "domains/protein/separation_baseline.h"
#include "domains/protein/structure_model.h"

namespace tessera::protein {

struct ChainPrediction {
  std::string name;
  std::string sequence;
  int64_t length = 0;
  std::vector<float> distogram;          // [L, L, 64] bin probabilities
  std::vector<float> contacts;           // [L, L] P(C-beta distance < 8 A)
  std::vector<float> expected_distance;  // [L, L] in A
  std::vector<float> plddt;              // [L] expected lDDT-C-alpha, 0-100
  Coordinates ca;                        // [L] C-alpha model
};

// The distogram's last bin is open ("beyond 21.7 A"); for the 3D model a pair's share of it is
// placed at the separation baseline's distance for the pair (at least the bin's centre), so far
// pairs come out as far as chains of the training set put them.
ChainPrediction predict_structure(const StructureModel& model, const SeparationBaseline& baseline,
                                  const std::string& name, const std::string& sequence);

// The pair distances and weights the 3D step uses: from a prediction (as above; weight = the
// probability the pair is within the distogram's range, at least 0.05) or from fixed distances
// (all weight 1).
PairDistances pair_distances(const ChainPrediction& prediction, const SeparationBaseline& baseline);
PairDistances pair_distances(const std::vector<double>& distances, int64_t length);

}  // namespace tessera::protein
