#include "domains/weather/weather_model.h"

namespace tessera::weather {

WeatherModel::WeatherModel(const WeatherModelConfig& c)
    : embedding(c.field), trunk(c.trunk), decoder(c.trunk.d_model, c.field.channels, c.field.grid), config_(c) {
  register_module("embedding", embedding);
  for (int64_t i = 0; i < c.afno_layers; ++i) {
    afno_blocks.push_back(std::make_unique<field::FourierBlock>(c.afno, c.trunk));
    register_module("afno_blocks/" + std::to_string(i), *afno_blocks.back());
  }
  register_module("trunk", trunk);
  register_module("decoder", decoder);
}

void WeatherModel::initialize(uint64_t seed) {
  Generator g(seed);
  nn::init_gpt2(*this, config_.trunk.n_layer, g);
  embedding.reset_position_embedding();
  decoder.zero_output_layer();
}

Tensor WeatherModel::forward(const Tensor& fields, const Tensor& lead_hours, const Tensor& calendar) const {
  nn::Tokens tokens = embedding.forward(fields, lead_hours, calendar);
  const field::PatchGrid& grid = config_.field.grid;
  for (const auto& block : afno_blocks) tokens.embeddings = block->forward(tokens.embeddings, grid.rows(), grid.cols());
  return ops::add(fields, decoder.forward(trunk.forward(tokens)));
}

}  // namespace tessera::weather
