#include "domains/weather/weather_model_spec.h"

#include <cmath>

#include "core/io/checkpoint.h"
#include "core/nn/trunk_config_reader.h"
#include "core/util/error.h"

namespace tessera::weather {

TrainedGrid TrainedGrid::of(const FieldDataset& data) {
  TrainedGrid g;
  for (const FieldChannel& c : data.channels) {
    if (g.variables.empty() || g.variables.back() != c.variable) g.variables.push_back(c.variable);
    g.channels.push_back(c.name);
  }
  g.latitudes = data.latitude.values;
  g.longitudes = data.longitude.values;
  return g;
}

void TrainedGrid::check_matches(const FieldDataset& data, const std::string& source) const {
  const TrainedGrid given = of(data);
  if (given.channels != channels) {
    std::string want;
    for (const auto& c : channels) want += (want.empty() ? "" : ", ") + c;
    throw DataError(source, "the model forecasts the channels " + want + "; the input does not have exactly these");
  }
  auto same = [](const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (std::abs(a[i] - b[i]) > 1e-4) return false;
    return true;
  };
  if (!same(given.latitudes, latitudes) || !same(given.longitudes, longitudes))
    throw DataError(source, "grid " + std::to_string(data.lats()) + " x " + std::to_string(data.lons()) +
                                " differs from the " + std::to_string(latitudes.size()) + " x " +
                                std::to_string(longitudes.size()) + " latitude/longitude grid the model was trained on");
}

nlohmann::json TrainedGrid::to_json() const {
  return {{"variables", variables}, {"channels", channels}, {"latitudes", latitudes}, {"longitudes", longitudes}};
}

TrainedGrid TrainedGrid::from_json(const nlohmann::json& j) {
  TrainedGrid g;
  g.variables = j.at("variables").get<std::vector<std::string>>();
  g.channels = j.at("channels").get<std::vector<std::string>>();
  g.latitudes = j.at("latitudes").get<std::vector<double>>();
  g.longitudes = j.at("longitudes").get<std::vector<double>>();
  return g;
}

WeatherModelSpec read_weather_model_spec(config::Section& root, const TrainedGrid& grid) {
  WeatherModelSpec s;
  config::Section m = root.section("model");
  s.lead_hours = m.numbers("lead_hours", {6.0}, 1e-3, 24.0 * 366);
  if (s.lead_hours.empty()) m.fail("lead_hours", "needs at least one lead time");
  field::FieldEmbeddingConfig& f = s.model.field;
  f.channels = static_cast<int64_t>(grid.channels.size());
  f.grid.lats = static_cast<int64_t>(grid.latitudes.size());
  f.grid.lons = static_cast<int64_t>(grid.longitudes.size());
  f.grid.patch = m.integer("patch_size", 4, 1, std::max(f.grid.lats, f.grid.lons));
  nn::TrunkConfig& t = s.model.trunk;
  t = nn::read_trunk_config(m, t);
  t.position = nn::PositionKind::none;  // the field embedding adds 2-D positions
  f.d_model = t.d_model;
  f.n_head = t.n_head;
  s.model.afno_layers = m.integer("afno_layers", 0, 0, 64);
  s.model.afno.d_model = t.d_model;
  s.model.afno.blocks = m.integer("afno_blocks", 8, 1, t.d_model);
  if (t.d_model % s.model.afno.blocks != 0)
    m.fail("afno_blocks", "must divide d_model (" + std::to_string(t.d_model) + ")");
  s.model.afno.shrink = m.number("afno_shrink", 0.01, 0.0, 10.0);
  m.finish();
  return s;
}

LoadedWeatherModel load_weather_model(const std::string& checkpoint) {
  const io::CheckpointMeta meta = io::read_checkpoint_meta(checkpoint);
  if (meta.architecture != kArchitecture)
    throw CheckpointError(checkpoint, "holds a '" + meta.architecture + "' model, not a weather forecast model");
  LoadedWeatherModel loaded;
  try {
    loaded.grid = TrainedGrid::from_json(nlohmann::json::parse(meta.attributes.at("grid")));
    loaded.normalization = ChannelNormalization::from_json(nlohmann::json::parse(meta.attributes.at("normalization")));
    loaded.climatology = Climatology::from_json(nlohmann::json::parse(meta.attributes.at("climatology")));
  } catch (const std::exception&) {  // a missing attribute or malformed JSON
    throw CheckpointError(checkpoint, "has no readable grid, normalization or climatology");
  }
  const size_t channels = loaded.grid.channels.size(), points = loaded.grid.latitudes.size() * loaded.grid.longitudes.size();
  if (loaded.normalization.mean.size() != channels || loaded.normalization.stddev.size() != channels ||
      loaded.climatology.values.size() != (loaded.climatology.hours.size() + 1) * channels * points)
    throw CheckpointError(checkpoint, "normalization or climatology does not match the model's grid");
  config::ConfigFile cfg = config::ConfigFile::parse(meta.config, checkpoint);
  config::Section root = cfg.root();
  loaded.spec = read_weather_model_spec(root, loaded.grid);
  config::Section data = root.section("data");
  loaded.test_period = {data.text("test_start", ""), data.text("test_end", "")};
  loaded.model = std::make_unique<WeatherModel>(loaded.spec.model);
  io::load_checkpoint(checkpoint, loaded.model->named_parameters(), "optimizer/");
  loaded.model->set_training(false);
  return loaded;
}

}  // namespace tessera::weather
