#pragma once
// The molecule domain's bias audit: are some chemistries served worse? The model predicts one
// target of every molecule in the test split of its data (recomputed from the checkpoint's split,
// as `eval molecule` does), and each molecule counts towards its molecular-weight bin, whether it
// has a halogen, whether it has a charged atom, and its Bemis-Murcko scaffold cluster (the most
// common scaffolds of the audited molecules by name, the rest "other", acyclic ones "(acyclic)").
// Regression models: rmse, mae and bias of prediction - target; classification models: the
// decision probability >= data.threshold against the 0/1 label. One molecule is one unit.
#include "domains/plugin/domain.h"

namespace tessera::molecule {

domains::BiasAuditData molecule_bias_audit(const domains::ModelRun& run, config::Section data);

// The bin of a molecular weight between ascending `edges`: "<250 Da", "250-400 Da", ">=550 Da".
std::string weight_bin(double weight, const std::vector<double>& edges);

}  // namespace tessera::molecule
