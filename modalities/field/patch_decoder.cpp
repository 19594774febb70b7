#include "modalities/field/patch_decoder.h"

#include "core/autograd/autograd.h"

namespace tessera::field {

PatchDecoder::PatchDecoder(int64_t d_model, int64_t channels, const PatchGrid& grid)
    : hidden_layer(d_model, d_model), output_layer(d_model, channels * grid.patch * grid.patch), channels_(channels),
      grid_(grid) {
  register_module("hidden_layer", hidden_layer);
  register_module("output_layer", output_layer);
}

Tensor PatchDecoder::forward(const Tensor& hidden) const {
  Tensor h = hidden_layer.forward(hidden, ops::Activation::gelu_tanh);
  return unpatchify(output_layer.forward(h), grid_, channels_);
}

void PatchDecoder::zero_output_layer() {
  autograd::NoGradScope no_grad;
  output_layer.weight.fill_(0.0);
  output_layer.bias.fill_(0.0);
}

}  // namespace tessera::field
