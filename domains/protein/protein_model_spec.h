#pragma once
// The parts of a protein run config that define the model and its objective, read the same way
// when training starts and when a checkpoint is turned back into a model for predict and eval.
#include <memory>
#include <string>

#include "core/config/config.h"
#include "core/task/trained_model.h"
#include "domains/protein/separation_baseline.h"
#include "domains/protein/structure_model.h"

namespace tessera::protein {

constexpr const char* kArchitecture = "protein/structure";
inline const ModelKind kProteinModel{kArchitecture, "a protein structure model"};

struct ProteinModelSpec {
  StructureModelConfig model;
  double mask_fraction = 0.15;    // masked-residue objective
  double distogram_weight = 1.0;  // loss = weighted sum of the three cross-entropies
  double plddt_weight = 0.1;
  double residue_weight = 0.5;
};

// Reads the "model" section of a run config (and checks it for unknown keys).
ProteinModelSpec read_protein_model_spec(config::Section& root);

struct LoadedProteinModel {
  ProteinModelSpec spec;
  SeparationBaseline baseline;
  nlohmann::json split;  // {"train": [chain names], "validation": [...], "test": [...]}
  std::unique_ptr<StructureModel> model;
};
// The trained model of a checkpoint, with its separation baseline, in eval mode on `device`.
LoadedProteinModel load_protein_model(const std::string& checkpoint, Device device = Device::cpu());

}  // namespace tessera::protein
