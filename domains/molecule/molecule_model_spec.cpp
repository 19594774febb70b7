#include "domains/molecule/molecule_model_spec.h"

#include "core/nn/trunk_config_reader.h"
#include "core/util/error.h"
#include "domains/molecule/chemistry.h"

namespace tessera::molecule {

MoleculeDataSpec read_molecule_data_spec(config::Section& root) {
  MoleculeDataSpec s;
  config::Section d = root.section("data");
  s.path = d.required_text("path");
  TableLayout& l = s.layout;
  l.format = d.choice("format", "auto", {"auto", "csv", "sdf", "smi", "h5"});
  l.smiles_column = d.text("smiles_column", "smiles");
  l.id_column = d.text("id_column", "");
  l.targets = d.texts("targets", {});
  // One column twice would be one property learned twice, with two prediction columns of one name.
  for (size_t i = 0; i < l.targets.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (l.targets[i] == l.targets[j]) d.fail("targets", "names '" + l.targets[i] + "' twice");
  // Predictions are written as id, smiles, one column per target, error: a target of one of those
  // names would make two columns of one name.
  for (const std::string& t : l.targets)
    if (t == "id" || t == "smiles" || t == "error")
      d.fail("targets", "'" + t + "' is a column predict writes (id, smiles, error); rename the target column");
  l.columns = d.texts("columns", {});
  l.delimiter = d.choice("delimiter", "auto", {"auto", ",", ";", "tab"});
  s.classification = d.choice("task", "regression", {"regression", "classification"}) == "classification";
  s.split.kind = d.choice("split", "random", {"random", "scaffold"});
  s.split.seed = static_cast<uint64_t>(d.integer("split_seed", 0, 0));
  const std::vector<double> f = d.numbers("fractions", {0.8, 0.1, 0.1}, 0.0, 1.0);
  if (f.size() != 3 || f[0] <= 0 || f[2] <= 0 || f[0] + f[1] + f[2] > 1.0 + 1e-9)
    d.fail("fractions", "needs three fractions (train, validation, test) with positive train and test, summing to at most 1");
  s.split.fractions = {f[0], f[1], f[2]};
  s.split.label_fraction = d.number("label_fraction", 1.0, 1e-6, 1.0);
  s.skip_invalid = d.choice("on_invalid", "skip", {"skip", "error"}) == "skip";
  s.batch_size = d.integer("batch_size", 32, 1, 1 << 14);
  d.finish();
  return s;
}

MoleculeModelSpec read_molecule_model_spec(config::Section& root, const MoleculeDataSpec& data) {
  MoleculeModelSpec s;
  config::Section m = root.section("model");
  nn::TrunkConfig defaults;
  defaults.n_head = 8;
  nn::TrunkConfig& t = s.model.trunk;
  t = nn::read_trunk_config(m, defaults);
  t.position = nn::PositionKind::none;  // a graph has no order; structure enters through the bias
  s.model.graph.d_model = t.d_model;
  s.model.graph.n_head = t.n_head;
  s.model.graph.buckets.max_distance = static_cast<int>(m.integer("max_distance", 8, 1, 64));
  s.examples.max_atoms = m.integer("max_atoms", 128, 1, 4096);
  s.examples.descriptors = m.boolean("descriptors", false);
  s.examples.conformer = m.boolean("conformer", false);
  if (s.examples.conformer) s.model.graph.conformer = graph::default_conformer_kernels();
  s.model.mean_pool = m.choice("readout", "virtual", {"virtual", "virtual_mean"}) == "virtual_mean";
  s.mask_fraction = m.number("mask_fraction", 0.0, 0.0, 1.0);
  s.masked_atom_weight = m.number("masked_atom_weight", 1.0, 0.0, 100.0);
  s.model.atom_head = s.mask_fraction > 0;
  if (data.layout.targets.empty() && !s.model.atom_head)
    m.fail("mask_fraction", "is 0 and data.targets is empty: nothing to train (name target columns, or set "
                            "model.mask_fraction, e.g. 0.15, to pre-train on the molecules alone)");
  m.finish();
  s.examples.scaffolds = data.split.kind == "scaffold";
  const int64_t targets = static_cast<int64_t>(data.layout.targets.size());
  s.model.outputs = data.classification ? 2 * targets : targets;
  s.model.descriptors = s.examples.descriptors ? static_cast<int64_t>(descriptor_names().size()) : 0;
  return s;
}

LoadedMoleculeModel load_molecule_model(const std::string& checkpoint, Device device) {
  LoadedMoleculeModel loaded;
  load_trained_model(checkpoint, kMoleculeModel, device, [&](TrainedCheckpoint& c) -> nn::Module& {
    config::Section root = c.config();
    loaded.data = read_molecule_data_spec(root);
    loaded.spec = read_molecule_model_spec(root, loaded.data);
    if (loaded.data.layout.targets.empty())
      throw CheckpointError(checkpoint, "is a pre-trained model without targets (data.targets is empty); fine-tune it "
                                        "on labelled molecules (train --init-from) before predicting or scoring");
    try {
      loaded.normalization = PropertyNormalization::from_json(c.json_attribute("normalization"));
    } catch (const nlohmann::json::exception&) {
      throw CheckpointError(checkpoint, "has no readable normalization");
    }
    const PropertyNormalization& n = loaded.normalization;
    if (n.targets.mean.size() != loaded.data.layout.targets.size() || n.targets.stddev.size() != n.targets.mean.size() ||
        static_cast<int64_t>(n.descriptors.mean.size()) != loaded.spec.model.descriptors ||
        n.descriptors.stddev.size() != n.descriptors.mean.size())
      throw CheckpointError(checkpoint, "normalization does not match the model's targets and descriptors");
    loaded.model = std::make_unique<PropertyModel>(loaded.spec.model);
    return *loaded.model;
  });
  return loaded;
}

}  // namespace tessera::molecule
