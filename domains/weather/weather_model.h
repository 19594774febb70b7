#pragma once
// The weather model: FieldPatchEmbedding -> optional Fourier (AFNO) blocks -> shared trunk ->
// PatchDecoder, predicting the change of the normalized fields over the lead time.
#include <memory>
#include <vector>

#include "core/nn/transformer.h"
#include "modalities/field/field_patch_embedding.h"
#include "modalities/field/fourier_mixing.h"
#include "modalities/field/patch_decoder.h"

namespace tessera::weather {

struct WeatherModelConfig {
  field::FieldEmbeddingConfig field;
  int64_t afno_layers = 0;  // Fourier blocks between the embedding and the trunk
  field::FourierMixingConfig afno;
  nn::TrunkConfig trunk;    // d_model and n_head shared with the embedding
};

class WeatherModel : public nn::Module {
 public:
  explicit WeatherModel(const WeatherModelConfig& config);
  // GPT-2 initialization, then sin-cos positions and a zero output layer (starts at persistence).
  void initialize(uint64_t seed);
  // fields [B, C, lats, lons] normalized, lead_hours [B], calendar [B, 4] of the initial times
  // -> the normalized fields lead_hours later.
  Tensor forward(const Tensor& fields, const Tensor& lead_hours, const Tensor& calendar) const;
  const WeatherModelConfig& config() const { return config_; }

  field::FieldPatchEmbedding embedding;
  std::vector<std::unique_ptr<field::FourierBlock>> afno_blocks;
  nn::Trunk trunk;
  field::PatchDecoder decoder;

 private:
  WeatherModelConfig config_;
};

}  // namespace tessera::weather
