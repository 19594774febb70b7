#include "domains/protein/protein_model_spec.h"

#include "core/nn/trunk_config_reader.h"
#include "core/util/error.h"

namespace tessera::protein {

ProteinModelSpec read_protein_model_spec(config::Section& root) {
  ProteinModelSpec s;
  config::Section m = root.section("model");
  nn::TrunkConfig defaults;
  defaults.d_model = 64;
  defaults.n_layer = 2;
  defaults.n_head = 4;
  nn::TrunkConfig& t = s.model.trunk;
  t = nn::read_trunk_config(m, defaults);
  // Rotary positions by default: a chain longer than any crop seen in training still predicts.
  t.position = nn::position_kind_from_name(m.choice("position", "rope", {"rope", "learned"}));
  t.max_positions = m.integer("max_positions", 1024, 1, 1 << 20);
  s.model.pair_dim = m.integer("pair_dim", s.model.pair_dim, 1, 1024);
  s.model.pair_layers = m.integer("pair_layers", s.model.pair_layers, 0, 64);
  s.model.max_relative_position = m.integer("max_relative_position", s.model.max_relative_position, 1, 1024);
  s.model.long_range_buckets = m.integer("long_range_buckets", s.model.long_range_buckets, 0, 64);
  s.model.long_range_limit = m.integer("long_range_limit", s.model.long_range_limit, 2, 1 << 20);
  s.mask_fraction = m.number("mask_fraction", s.mask_fraction, 0.0, 0.5);
  s.distogram_weight = m.number("distogram_weight", s.distogram_weight, 0.0, 100.0);
  s.plddt_weight = m.number("plddt_weight", s.plddt_weight, 0.0, 100.0);
  s.residue_weight = m.number("residue_weight", s.residue_weight, 0.0, 100.0);
  m.finish();
  return s;
}

LoadedProteinModel load_protein_model(const std::string& checkpoint, Device device) {
  LoadedProteinModel loaded;
  load_trained_model(checkpoint, kProteinModel, device, [&](TrainedCheckpoint& c) -> nn::Module& {
    try {
      loaded.baseline = SeparationBaseline::from_json(c.json_attribute("separation_baseline"));
      loaded.split = c.json_attribute("split");
    } catch (const nlohmann::json::exception&) {
      throw CheckpointError(checkpoint, "has an unreadable separation baseline or split");
    }
    config::Section root = c.config();
    loaded.spec = read_protein_model_spec(root);
    loaded.model = std::make_unique<StructureModel>(loaded.spec.model);
    return *loaded.model;
  });
  return loaded;
}

}  // namespace tessera::protein
