#include "domains/protein/structure_prediction.h"

#include <algorithm>
#include <cstdlib>

#include "core/autograd/autograd.h"
#include "domains/protein/distogram_bins.h"
#include "modalities/sequence/residue_alphabet.h"

namespace tessera::protein {

ChainPrediction predict_structure(const StructureModel& model, const SeparationBaseline& baseline,
                                  const std::string& name, const std::string& sequence) {
  autograd::NoGradScope no_grad;
  ChainPrediction p;
  p.name = name;
  p.sequence = sequence;
  const int64_t L = p.length = static_cast<int64_t>(sequence.size());
  const Tensor tokens = Tensor::from_vector(sequence::residue_tokens(sequence), {1, L});
  StructureOutputs out = model.forward(model.place(tokens));
  const Tensor distogram = ops::softmax(out.distogram_logits).to(Device::cpu());
  out.distogram_logits = Tensor();  // release the logits before the next pair-sized buffers
  const Tensor plddt = ops::softmax(out.plddt_logits).to(Device::cpu());

  const float* d = distogram.data<float>();
  p.distogram.assign(d, d + distogram.numel());
  p.contacts.resize(L * L);
  p.expected_distance.resize(L * L);
  for (int64_t k = 0; k < L * L; ++k) {
    p.contacts[k] = static_cast<float>(contact_probability(d + k * kDistogramBins));
    p.expected_distance[k] = k / L == k % L ? 0.0f : static_cast<float>(expected_distance(d + k * kDistogramBins));
  }
  const float* c = plddt.data<float>();
  p.plddt.resize(L);
  for (int64_t i = 0; i < L; ++i) {
    double e = 0;
    for (int64_t b = 0; b < kPlddtBins; ++b) e += c[i * kPlddtBins + b] * (static_cast<double>(b) + 0.5) / kPlddtBins;
    p.plddt[i] = static_cast<float>(100.0 * e);
  }
  p.ca = coordinates_from_distances(pair_distances(p, baseline));
  return p;
}

PairDistances pair_distances(const ChainPrediction& prediction, const SeparationBaseline& baseline) {
  constexpr double kMinWeight = 0.05;  // far pairs still hold the chain's overall size
  const int64_t L = prediction.length;
  const double last_center = bin_center(kDistogramBins - 1);
  PairDistances pairs{L, std::vector<double>(L * L), std::vector<double>(L * L)};
  for (int64_t k = 0; k < L * L; ++k) {
    const int64_t i = k / L, j = k % L;
    const float* probabilities = prediction.distogram.data() + k * kDistogramBins;
    const double far = probabilities[kDistogramBins - 1];
    const double far_distance = std::max(last_center, baseline.distance(std::abs(i - j)));
    pairs.distance[k] = i == j ? 0.0 : prediction.expected_distance[k] + far * (far_distance - last_center);
    pairs.confidence[k] = std::max(kMinWeight, 1.0 - far);
  }
  return pairs;
}

PairDistances pair_distances(const std::vector<double>& distances, int64_t length) {
  return PairDistances{length, distances, std::vector<double>(distances.size(), 1.0)};
}

}  // namespace tessera::protein
