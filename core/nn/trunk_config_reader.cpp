#include "core/nn/trunk_config_reader.h"

namespace tessera::nn {

TrunkConfig read_trunk_config(config::Section& m, TrunkConfig t) {
  t.d_model = m.integer("d_model", t.d_model, 1, 1 << 16);
  t.n_layer = m.integer("n_layer", t.n_layer, 1, 1024);
  t.n_head = m.integer("n_head", t.n_head, 1, 1024);
  if (t.d_model % t.n_head != 0)
    m.fail("n_head", "must divide d_model (" + std::to_string(t.d_model) + "), got " + std::to_string(t.n_head));
  t.mlp_hidden = m.integer("mlp_hidden", 4 * t.d_model, 1, 1 << 20);
  t.dropout = m.number("dropout", t.dropout, 0.0, 0.99);
  t.norm = norm_kind_from_name(m.choice("norm", "layernorm", {"layernorm", "rmsnorm"}));
  t.activation = activation_from_name(m.choice("activation", "gelu_tanh", {"gelu_tanh", "gelu_erf", "silu"}));
  return t;
}

}  // namespace tessera::nn
