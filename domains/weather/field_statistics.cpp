#include "domains/weather/field_statistics.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/util/error.h"

namespace tessera::weather {
namespace {

int hour_of_day(double time_hours) {
  const double h = std::fmod(std::round(time_hours), 24.0);
  return static_cast<int>(h < 0 ? h + 24 : h);
}

// JSON has no NaN: never-observed values are stored as null.
nlohmann::json numbers_to_json(const std::vector<float>& values) {
  nlohmann::json j = nlohmann::json::array();
  for (float v : values) j.push_back(std::isnan(v) ? nlohmann::json() : nlohmann::json(v));
  return j;
}

std::vector<float> numbers_from_json(const nlohmann::json& j) {
  std::vector<float> values;
  for (const auto& v : j) values.push_back(v.is_null() ? std::numeric_limits<float>::quiet_NaN() : v.get<float>());
  return values;
}

}  // namespace

ChannelNormalization ChannelNormalization::fit(const FieldDataset& data, const std::vector<int64_t>& times,
                                               const std::string& source) {
  ChannelNormalization n;
  const int64_t plane = data.lats() * data.lons();
  for (int64_t c = 0; c < data.num_channels(); ++c) {
    // Two passes: E[x^2] - E[x]^2 loses every digit of a small spread on a large mean (surface
    // pressure), and a rounding residue would then pass for a spread and blow up the inputs.
    double sum = 0;
    int64_t count = 0;
    for (int64_t t : times) {
      const float* p = &data.values[data.index(t, c, 0, 0)];
      for (int64_t i = 0; i < plane; ++i)
        if (std::isfinite(p[i])) {
          sum += p[i];
          ++count;
        }
    }
    if (count == 0)
      throw DataError(source, "channel '" + data.channels[static_cast<size_t>(c)].name + "' has no valid value in the training times");
    const double mean = sum / static_cast<double>(count);
    double squares = 0;
    for (int64_t t : times) {
      const float* p = &data.values[data.index(t, c, 0, 0)];
      for (int64_t i = 0; i < plane; ++i)
        if (std::isfinite(p[i])) squares += (p[i] - mean) * (p[i] - mean);
    }
    const double stddev = std::sqrt(squares / static_cast<double>(count));
    n.mean.push_back(mean);
    n.stddev.push_back(stddev > 0 ? stddev : 1.0);  // a constant channel stays as it is, shifted
  }
  return n;
}

Tensor ChannelNormalization::normalize(const FieldDataset& data, const std::vector<int64_t>& times) const {
  const int64_t B = static_cast<int64_t>(times.size()), C = data.num_channels(), plane = data.lats() * data.lons();
  Tensor out = Tensor::empty({B, C, data.lats(), data.lons()});
  float* o = out.data<float>();
  for (int64_t b = 0; b < B; ++b)
    for (int64_t c = 0; c < C; ++c) {
      const float* p = &data.values[data.index(times[static_cast<size_t>(b)], c, 0, 0)];
      const double m = mean[static_cast<size_t>(c)], s = stddev[static_cast<size_t>(c)];
      float* q = o + (b * C + c) * plane;
      for (int64_t i = 0; i < plane; ++i) q[i] = std::isfinite(p[i]) ? static_cast<float>((p[i] - m) / s) : 0.0f;
    }
  return out;
}

nlohmann::json ChannelNormalization::to_json() const { return {{"mean", mean}, {"stddev", stddev}}; }

ChannelNormalization ChannelNormalization::from_json(const nlohmann::json& j) {
  ChannelNormalization n;
  n.mean = j.at("mean").get<std::vector<double>>();
  n.stddev = j.at("stddev").get<std::vector<double>>();
  return n;
}

Climatology Climatology::fit(const FieldDataset& data, const std::vector<int64_t>& times) {
  Climatology c;
  c.channels = data.num_channels();
  c.lats = data.lats();
  c.lons = data.lons();
  for (int64_t t : times) c.hours.push_back(hour_of_day(data.time_hours[static_cast<size_t>(t)]));
  std::sort(c.hours.begin(), c.hours.end());
  c.hours.erase(std::unique(c.hours.begin(), c.hours.end()), c.hours.end());
  const int64_t field = c.channels * c.lats * c.lons, bins = static_cast<int64_t>(c.hours.size()) + 1;
  std::vector<double> sum(static_cast<size_t>(bins * field), 0.0);
  std::vector<int64_t> count(sum.size(), 0);
  for (int64_t t : times) {
    const int hour = hour_of_day(data.time_hours[static_cast<size_t>(t)]);
    const int64_t bin = std::lower_bound(c.hours.begin(), c.hours.end(), hour) - c.hours.begin();
    const float* p = &data.values[data.index(t, 0, 0, 0)];
    for (int64_t b : {bin, bins - 1})
      for (int64_t i = 0; i < field; ++i)
        if (std::isfinite(p[i])) {
          sum[static_cast<size_t>(b * field + i)] += p[i];
          ++count[static_cast<size_t>(b * field + i)];
        }
  }
  c.values.resize(sum.size());
  for (size_t i = 0; i < sum.size(); ++i)
    c.values[i] = count[i] ? static_cast<float>(sum[i] / static_cast<double>(count[i])) : std::numeric_limits<float>::quiet_NaN();
  return c;
}

const float* Climatology::at(double time_hours) const {
  const int hour = hour_of_day(time_hours);
  auto it = std::lower_bound(hours.begin(), hours.end(), hour);
  const int64_t bin = it != hours.end() && *it == hour ? it - hours.begin() : static_cast<int64_t>(hours.size());
  return values.data() + bin * channels * lats * lons;
}

nlohmann::json Climatology::to_json() const {
  return {{"hours", hours}, {"channels", channels}, {"lats", lats}, {"lons", lons}, {"values", numbers_to_json(values)}};
}

Climatology Climatology::from_json(const nlohmann::json& j) {
  Climatology c;
  c.hours = j.at("hours").get<std::vector<int>>();
  c.channels = j.at("channels").get<int64_t>();
  c.lats = j.at("lats").get<int64_t>();
  c.lons = j.at("lons").get<int64_t>();
  c.values = numbers_from_json(j.at("values"));
  return c;
}

}  // namespace tessera::weather
