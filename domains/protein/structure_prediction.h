#pragma once
// A whole chain through a trained structure model (no cropping): distogram probabilities, the
// quantities read off them, per-residue confidence and a C-alpha model.
#include <cstdint>
#include <string>
#include <vector>

#include "domains/protein/coordinates_from_distances.h"
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

ChainPrediction predict_structure(const StructureModel& model, const std::string& name, const std::string& sequence);

// The pair distances and confidences the 3D step uses: from a prediction (confidence = the
// probability the pair is within the distogram's range) or from fixed distances (all confident).
PairDistances pair_distances(const ChainPrediction& prediction);
PairDistances pair_distances(const std::vector<double>& distances, int64_t length);

}  // namespace tessera::protein
