#pragma once
// Trunk hidden states -> fields: per token a GELU layer then a linear map to that patch's
// C x patch x patch values, reassembled into the grid (padding cropped). The last layer starts at
// zero, so an untrained model predicts no change: persistence is where training starts.
#include "core/nn/layers.h"
#include "modalities/field/patch_grid.h"

namespace tessera::field {

class PatchDecoder : public nn::Module {
 public:
  PatchDecoder(int64_t d_model, int64_t channels, const PatchGrid& grid);
  // hidden [B, patches, D] -> [B, C, lats, lons]
  Tensor forward(const Tensor& hidden) const;
  void zero_output_layer();
  nn::Linear hidden_layer;
  nn::Linear output_layer;

 private:
  int64_t channels_;
  PatchGrid grid_;
};

}  // namespace tessera::field
