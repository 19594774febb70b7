#pragma once
// Examples to model inputs, the masked loss, and predictions back in the targets' own units.
#include <vector>

#include "domains/molecule/molecule_set.h"
#include "domains/molecule/property_model.h"
#include "domains/molecule/property_normalization.h"

namespace tessera::molecule {

using Examples = std::vector<const MoleculeExample*>;

// [B, descriptors] normalized and clipped; undefined when the model takes no descriptors.
Tensor descriptor_tensor(const Examples& examples, const PropertyNormalization& normalization);

// `examples` as one padded graph batch for `model`.
graph::GraphBatch graph_batch_of(const PropertyModel& model, const Examples& examples);

// The model's outputs for `examples`.
Tensor property_outputs(const PropertyModel& model, const Examples& examples, const PropertyNormalization& normalization);

// Regression: MSE of the standardized targets; classification: cross-entropy of the two logits per
// target. Missing targets do not count, and the mean is over the values present.
Tensor property_loss(const Tensor& outputs, const Examples& examples, const PropertyNormalization& normalization,
                     bool classification);

// Per example, per target: the predicted value in the target's units, or the probability of class 1.
std::vector<std::vector<double>> predict_properties(const PropertyModel& model, const Examples& examples,
                                                    const PropertyNormalization& normalization, bool classification,
                                                    int64_t batch_size);

}  // namespace tessera::molecule
