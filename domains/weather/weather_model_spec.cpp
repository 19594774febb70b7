#include "domains/weather/weather_model_spec.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <tuple>

#include "core/nn/trunk_config_reader.h"
#include "core/util/error.h"

namespace tessera::weather {

namespace {

std::string number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

std::string span(const std::vector<double>& v) { return number(v.front()) + " .. " + number(v.back()); }

// How an input's axis differs from the trained one, in words a user can act on; empty when they
// agree (within 1e-4 degrees).
std::string axis_difference(const std::string& axis, const std::vector<double>& given, const std::vector<double>& trained) {
  const std::string model = "; the model was trained on ";
  if (given.size() != trained.size())
    return "has " + std::to_string(given.size()) + " " + axis + "s (" + span(given) + ")" + model +
           std::to_string(trained.size()) + " (" + span(trained) + ")";
  for (size_t i = 0; i < given.size(); ++i) {
    if (std::abs(given[i] - trained[i]) <= 1e-4) continue;
    const bool reversed = std::equal(given.begin(), given.end(), trained.rbegin(),
                                     [](double a, double b) { return std::abs(a - b) <= 1e-4; });
    if (reversed) return "its " + axis + "s run " + span(given) + model + span(trained) + " (the reverse order)";
    return axis + " " + std::to_string(i) + " is " + number(given[i]) + model + number(trained[i]) + " there (" +
           axis + "s " + span(given) + " vs " + span(trained) + ")";
  }
  return "";
}

}  // namespace

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
  for (const auto& [axis, given_values, trained] :
       {std::tuple<const char*, const std::vector<double>&, const std::vector<double>&>{"latitude", given.latitudes, latitudes},
        {"longitude", given.longitudes, longitudes}}) {
    const std::string difference = axis_difference(axis, given_values, trained);
    if (!difference.empty()) throw DataError(source, difference);
  }
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

LoadedWeatherModel load_weather_model(const std::string& checkpoint, Device device) {
  LoadedWeatherModel loaded;
  load_trained_model(checkpoint, kWeatherModel, device, [&](TrainedCheckpoint& c) -> nn::Module& {
    try {
      loaded.grid = TrainedGrid::from_json(c.json_attribute("grid"));
      loaded.normalization = ChannelNormalization::from_json(c.json_attribute("normalization"));
      loaded.climatology = Climatology::from_json(c.json_attribute("climatology"));
    } catch (const nlohmann::json::exception&) {  // a field missing or of the wrong type
      throw CheckpointError(checkpoint, "has no readable grid, normalization or climatology");
    }
    const size_t channels = loaded.grid.channels.size(),
                 points = loaded.grid.latitudes.size() * loaded.grid.longitudes.size();
    if (loaded.normalization.mean.size() != channels || loaded.normalization.stddev.size() != channels ||
        loaded.climatology.values.size() != (loaded.climatology.hours.size() + 1) * channels * points)
      throw CheckpointError(checkpoint, "normalization or climatology does not match the model's grid");
    config::Section root = c.config();
    loaded.spec = read_weather_model_spec(root, loaded.grid);
    config::Section data = root.section("data");
    loaded.test_period = {data.text("test_start", ""), data.text("test_end", "")};
    loaded.model = std::make_unique<WeatherModel>(loaded.spec.model);
    return *loaded.model;
  });
  return loaded;
}

}  // namespace tessera::weather
