#include "domains/weather/weather_bias_audit.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "core/util/error.h"
#include "domains/weather/rollout.h"
#include "domains/weather/time_period.h"
#include "domains/weather/weather_benchmark.h"
#include "domains/weather/weather_model_spec.h"

namespace tessera::weather {
namespace {

std::string climate_band(double lat) {
  const double a = std::fabs(lat);
  return a < 23.5 ? "tropics" : a < 66.5 ? "mid-latitudes" : "polar";
}

std::string degrees(double lat) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%s", std::fabs(lat), lat < 0 ? "S" : "N");
  return buf;
}

std::string lead_name(double hours) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g h", hours);
  return buf;
}

// Land or sea for each grid point, from the first time of a mask variable (land where > 0.5).
std::vector<std::string> land_sea(const std::vector<std::string>& files, const std::string& variable, const FieldDataset& data) {
  const FieldDataset mask = read_fields(files, {variable});
  if (mask.lats() != data.lats() || mask.lons() != data.lons())
    throw DataError(files.front(), "land-sea mask '" + variable + "' is not on the forecast grid");
  std::vector<std::string> out(static_cast<size_t>(data.lats() * data.lons()));
  for (int64_t y = 0; y < data.lats(); ++y)
    for (int64_t x = 0; x < data.lons(); ++x) {
      const float v = mask.values[mask.index(0, 0, y, x)];
      out[static_cast<size_t>(y * data.lons() + x)] = std::isnan(v) ? "" : v > 0.5f ? "land" : "sea";
    }
  return out;
}

}  // namespace

std::vector<std::string> latitude_bands(const std::vector<double>& lats, const std::string& kind) {
  std::vector<std::string> bands;
  std::set<std::string> climate;
  for (double lat : lats) climate.insert(climate_band(lat));
  if (kind == "climate" || (kind == "auto" && climate.size() > 1)) {
    for (double lat : lats) bands.push_back(climate_band(lat));
    return bands;
  }
  // Terciles of the rows, by latitude; each band named by the latitudes it holds.
  std::vector<double> sorted = lats;
  std::sort(sorted.begin(), sorted.end());
  const size_t n = sorted.size(), parts = std::min<size_t>(3, n);
  std::vector<std::pair<double, double>> ranges;
  for (size_t b = 0; b < parts; ++b) ranges.push_back({sorted[b * n / parts], sorted[(b + 1) * n / parts - 1]});
  for (double lat : lats)
    for (const auto& [low, high] : ranges)
      if (lat >= low && lat <= high) {
        bands.push_back(degrees(low) + " to " + degrees(high));
        break;
      }
  return bands;
}

domains::BiasAuditData weather_bias_audit(const domains::ModelRun& run, config::Section section) {
  const std::vector<std::string> files = section.texts("files", {});
  if (files.empty()) section.fail("files", "names no data file");
  const LoadedWeatherModel m = load_weather_model(run.checkpoint, run.device);
  const TimePeriod period{section.text("start", m.test_period.start), section.text("end", m.test_period.end)};
  std::vector<double> leads = section.numbers("lead_hours", m.spec.lead_hours, 0.0);
  std::sort(leads.begin(), leads.end());
  const std::string band_kind = section.choice("latitude_bands", "auto", {"auto", "climate", "quantiles"});
  const std::string mask_variable = section.text("land_sea_mask", "");
  std::vector<std::string> mask_files = section.texts("land_sea_mask_files", {});
  if (mask_files.empty()) mask_files = files;
  const std::string channel_name = section.text("channel", m.grid.channels.front());
  section.finish();

  const FieldDataset data = read_fields(files, m.grid.variables);
  m.grid.check_matches(data, files.front());
  int64_t channel = -1;
  for (int64_t c = 0; c < data.num_channels(); ++c)
    if (data.channels[static_cast<size_t>(c)].name == channel_name) channel = c;
  if (channel < 0) throw ConfigError("data.channel", "'" + channel_name + "' is not a channel of the model's data");
  const std::vector<int64_t> times = times_within(data, period, files.front());
  if (times.empty()) throw DataError(files.front(), "no time between " + period.start + " and " + period.end);
  const ForecastTargets pairs = forecast_targets(data, times, leads, files.front());
  const Forecast f = forecast(*m.model, m.normalization, m.spec.lead_hours, data, pairs.init_times, leads);

  const std::vector<std::string> bands = latitude_bands(data.latitude.values, band_kind);
  const std::vector<std::string> surface = mask_variable.empty() ? std::vector<std::string>{} : land_sea(mask_files, mask_variable, data);
  std::vector<std::string> attributes = {"latitude_band", "hemisphere", "lead_time"};
  if (!surface.empty()) attributes.push_back("surface");
  domains::BiasAuditData out;
  out.title = "Forecast skill by region and lead: " + run.checkpoint;
  out.outcomes = eval::GroupedOutcomes(eval::OutcomeKind::regression, attributes);
  const int64_t C = data.num_channels(), plane = data.lats() * data.lons(), L = static_cast<int64_t>(leads.size());
  for (size_t i = 0; i < pairs.init_times.size(); ++i)
    for (int64_t l = 0; l < L; ++l) {
      // One unit per group combination of this forecast map.
      std::map<std::vector<std::string>, eval::OutcomeSums> units;
      const int64_t target = pairs.targets[i][static_cast<size_t>(l)];
      const float* predicted = &f.values[static_cast<size_t>(((static_cast<int64_t>(i) * L + l) * C + channel) * plane)];
      for (int64_t y = 0; y < data.lats(); ++y)
        for (int64_t x = 0; x < data.lons(); ++x) {
          const float p = predicted[y * data.lons() + x], o = data.values[data.index(target, channel, y, x)];
          if (std::isnan(p) || std::isnan(o)) continue;
          std::vector<std::string> key = {bands[static_cast<size_t>(y)],
                                          data.latitude.values[static_cast<size_t>(y)] >= 0 ? "north" : "south",
                                          lead_name(leads[static_cast<size_t>(l)])};
          if (!surface.empty()) {
            const std::string& s = surface[static_cast<size_t>(y * data.lons() + x)];
            if (s.empty()) continue;
            key.push_back(s);
          }
          eval::add_to(units[key], eval::regression_outcome(p, o));
        }
      for (const auto& [key, sums] : units) out.outcomes.add(key, sums);
    }
  out.source = {{"files", files},
                {"channel", channel_name},
                {"period", period.start + " .. " + period.end},
                {"initial_times", pairs.init_times.size()},
                {"lead_hours", leads},
                {"latitude_bands", band_kind},
                {"land_sea_mask", mask_variable.empty() ? "none" : mask_variable}};
  out.notes = {"Errors are forecast minus truth of " + channel_name + " in the data's units, one per grid point, "
               "plain means over grid points (not latitude-weighted).",
               "Each unit is one forecast map's grid points in one combination of latitude band, hemisphere, lead "
               "time" + std::string(surface.empty() ? "" : " and surface") + "; intervals resample those units, "
               "so errors correlated within a map stay together."};
  if (surface.empty()) out.notes.push_back("No land-sea mask was given (data.land_sea_mask), so land and sea are not compared.");
  return out;
}

}  // namespace tessera::weather
