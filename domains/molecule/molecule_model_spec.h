#pragma once
// The sections of a molecule run config (data and model), and the trained model rebuilt from a
// checkpoint with what predict and eval need beside it: the data layout, the split and the
// normalization fitted on the training split.
#include <memory>
#include <string>

#include "core/config/config.h"
#include "core/task/trained_model.h"
#include "domains/molecule/molecule_reader.h"
#include "domains/molecule/molecule_set.h"
#include "domains/molecule/molecule_split.h"
#include "domains/molecule/property_model.h"
#include "domains/molecule/property_normalization.h"

namespace tessera::molecule {

constexpr const char* kArchitecture = "molecule/property";
inline const ModelKind kMoleculeModel{kArchitecture, "a molecular property model"};

struct MoleculeDataSpec {
  std::string path;
  TableLayout layout;
  bool classification = false;  // data.task
  SplitSpec split;
  bool skip_invalid = true;     // data.on_invalid: skip | error
  int64_t batch_size = 32;
};

struct MoleculeModelSpec {
  PropertyModelConfig model;
  ExampleOptions examples;  // max_atoms, descriptors (scaffolds: set by the split)
  double mask_fraction = 0;          // model.mask_fraction: share of atoms masked (0: no masked-atom objective)
  double masked_atom_weight = 1.0;   // model.masked_atom_weight: its weight beside the property loss
};

// Reads the data section (and finishes it).
MoleculeDataSpec read_molecule_data_spec(config::Section& root);
// Reads the model section (and finishes it) for these data. Data without targets need
// model.mask_fraction > 0 (pre-training): otherwise there is nothing to learn.
MoleculeModelSpec read_molecule_model_spec(config::Section& root, const MoleculeDataSpec& data);

struct LoadedMoleculeModel {
  MoleculeDataSpec data;
  MoleculeModelSpec spec;
  PropertyNormalization normalization;
  std::unique_ptr<PropertyModel> model;
};
LoadedMoleculeModel load_molecule_model(const std::string& checkpoint, Device device = Device::cpu());

}  // namespace tessera::molecule
