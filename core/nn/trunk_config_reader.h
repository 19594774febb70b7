#pragma once
// The trunk keys every domain's `model` section shares, read the same way everywhere.
#include "core/config/config.h"
#include "core/nn/transformer.h"

namespace tessera::nn {

// Reads d_model, n_layer, n_head (must divide d_model), mlp_hidden (default 4 d_model), dropout,
// norm and activation; keys not given keep the values in `defaults`.
TrunkConfig read_trunk_config(config::Section& model, TrunkConfig defaults);

}  // namespace tessera::nn
