// The weather model on in-memory fields: shapes, persistence at the start, rollout, normalization,
// climatology, the split by date, the loss, and that a tiny model can fit one batch.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/autograd/autograd.h"
#include "core/optim/adamw.h"
#include "core/util/error.h"
#include "domains/weather/forecast_task.h"
#include "domains/weather/rollout.h"
#include "domains/weather/time_period.h"
#include "modalities/field/field_patch_embedding.h"
#include "modalities/field/latitude_weights.h"

namespace tessera::weather {
namespace {

const float kNaN = std::numeric_limits<float>::quiet_NaN();

// Hourly fields from 2019-03-01T00:00: channel c at (t, y, x) = 280 + 10 c + sin(t / 4) y - 0.3 x.
FieldDataset hourly_fields(int64_t times, int64_t channels = 2, int64_t lats = 5, int64_t lons = 7) {
  FieldDataset d;
  for (int64_t c = 0; c < channels; ++c) {
    d.channels.emplace_back();
    d.channels.back().variable = d.channels.back().name = "v" + std::to_string(c);
  }
  for (int64_t y = 0; y < lats; ++y) d.latitude.values.push_back(60.0 - 5.0 * static_cast<double>(y));
  for (int64_t x = 0; x < lons; ++x) d.longitude.values.push_back(2.0 * static_cast<double>(x));
  const double start = hours_since_1970("2019-03-01", "standard", "test");
  for (int64_t t = 0; t < times; ++t) {
    d.time.values.push_back(static_cast<double>(t));
    d.time_hours.push_back(start + static_cast<double>(t));
  }
  for (int64_t t = 0; t < times; ++t)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t y = 0; y < lats; ++y)
        for (int64_t x = 0; x < lons; ++x)
          d.values.push_back(static_cast<float>(280.0 + 10.0 * c + std::sin(static_cast<double>(t) / 4.0) * y - 0.3 * x));
  return d;
}

WeatherModelConfig tiny_config(int64_t channels, int64_t lats, int64_t lons, int64_t afno_layers) {
  WeatherModelConfig c;
  c.field.channels = channels;
  c.field.grid = {lats, lons, 2};
  c.field.d_model = c.trunk.d_model = c.afno.d_model = 16;
  c.field.n_head = c.trunk.n_head = 2;
  c.trunk.n_layer = 1;
  c.trunk.position = nn::PositionKind::none;
  c.afno_layers = afno_layers;
  c.afno.blocks = 2;
  return c;
}

// A model whose output layer is not zero, so its forecasts differ from persistence.
void randomize_output_layer(WeatherModel& m, uint64_t seed) {
  autograd::NoGradScope no_grad;
  Generator g(seed);
  float* w = m.decoder.output_layer.weight.data<float>();
  for (int64_t i = 0; i < m.decoder.output_layer.weight.numel(); ++i) w[i] = static_cast<float>(0.05 * g.normal());
}

std::vector<int64_t> range(int64_t from, int64_t to) {
  std::vector<int64_t> r;
  for (int64_t t = from; t < to; ++t) r.push_back(t);
  return r;
}

TEST(WeatherModel, StartsAtPersistence) {
  WeatherModel m(tiny_config(2, 5, 7, 1));
  m.initialize(1);
  const FieldDataset d = hourly_fields(4);
  const ChannelNormalization n = ChannelNormalization::fit(d, range(0, 4), "test");
  const Tensor x = n.normalize(d, {0, 3});
  const Tensor y = forecast_step(m, x, {d.time_hours[0], d.time_hours[3]}, 6.0);
  ASSERT_EQ(y.shape(), (Shape{2, 2, 5, 7}));
  const std::vector<double> a = x.to_doubles(), b = y.to_doubles();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i], b[i]);
}

TEST(Rollout, StepsAreTheLongestTrainedLeadsThatFit) {
  EXPECT_EQ(rollout_steps(24, {1, 6}), (std::vector<double>{6, 6, 6, 6}));
  EXPECT_EQ(rollout_steps(7, {6, 1}), (std::vector<double>{6, 1}));
  EXPECT_EQ(rollout_steps(1, {1, 6}), (std::vector<double>{1}));
  EXPECT_THROW(rollout_steps(5, {6}), InputError);
  EXPECT_THROW(rollout_steps(9, {6}), InputError);
}

TEST(Rollout, KStepsEqualKCallsOfTheModel) {
  WeatherModel m(tiny_config(2, 5, 7, 1));
  m.initialize(2);
  randomize_output_layer(m, 3);
  const FieldDataset d = hourly_fields(30);
  const ChannelNormalization n = ChannelNormalization::fit(d, range(0, 30), "test");
  const std::vector<int64_t> inits = {0, 5, 11};
  const Forecast f = forecast(m, n, {6}, d, inits, {6, 12, 18});
  ASSERT_EQ(f.values.size(), inits.size() * 3 * 2 * 5 * 7);

  Tensor state = n.normalize(d, inits);
  for (int64_t k = 0; k < 3; ++k) {
    std::vector<double> times;
    for (int64_t t : inits) times.push_back(d.time_hours[static_cast<size_t>(t)] + 6.0 * static_cast<double>(k));
    state = forecast_step(m, state, times, 6.0);
    for (size_t i = 0; i < inits.size(); ++i)
      for (int64_t c = 0; c < 2; ++c)
        for (int64_t p = 0; p < 35; ++p) {
          const float want = n.denormalize(state.data<float>()[(static_cast<int64_t>(i) * 2 + c) * 35 + p], c);
          const float got = f.values[((i * 3 + static_cast<size_t>(k)) * 2 + static_cast<size_t>(c)) * 35 + static_cast<size_t>(p)];
          ASSERT_NEAR(got, want, 1e-4) << "step " << k;
        }
  }
  // and the forecast has moved away from the initial state
  EXPECT_GT(std::abs(f.values[0] - d.values[0]), 1e-4);
  EXPECT_EQ(f.model_steps, 3) << "leads 6, 12 and 18 h continue one rollout: 3 steps, not 1 + 2 + 3";
}

TEST(Rollout, ALeadThatDoesNotExtendThePreviousOneStartsAgain) {
  WeatherModel m(tiny_config(1, 5, 7, 0));
  m.initialize(5);
  const FieldDataset d = hourly_fields(30, 1);
  const ChannelNormalization n = ChannelNormalization::fit(d, range(0, 30), "test");
  // 7 h = 6 + 1 does not extend 2 h = 1 + 1, and 8 h = 6 + 1 + 1 extends 7 h.
  EXPECT_EQ(forecast(m, n, {1, 6}, d, {0}, {2, 7, 8}).model_steps, 2 + 2 + 1);
}

TEST(Rollout, MissingInitialPointsStayMissing) {
  WeatherModel m(tiny_config(1, 5, 7, 0));
  m.initialize(4);
  FieldDataset d = hourly_fields(8, 1);
  d.values[d.index(0, 0, 2, 3)] = kNaN;
  const ChannelNormalization n = ChannelNormalization::fit(d, range(0, 8), "test");
  const Forecast f = forecast(m, n, {1}, d, {0, 1}, {1, 2});
  EXPECT_TRUE(std::isnan(f.values[2 * 7 + 3]));            // init 0, lead 1
  EXPECT_TRUE(std::isnan(f.values[35 + 2 * 7 + 3]));       // init 0, lead 2
  EXPECT_FALSE(std::isnan(f.values[2 * 35 + 2 * 7 + 3]));  // init 1
}

TEST(ChannelNormalization, StatisticsAndRoundTrip) {
  FieldDataset d = hourly_fields(3, 1, 1, 2);
  d.values = {1, 3, kNaN, 5, 7, 9};
  const ChannelNormalization n = ChannelNormalization::fit(d, {0, 1, 2}, "test");
  EXPECT_NEAR(n.mean[0], 5.0, 1e-9);  // 1, 3, 5, 7, 9
  EXPECT_NEAR(n.stddev[0], std::sqrt(8.0), 1e-9);
  const Tensor x = n.normalize(d, {0, 1, 2});
  for (int64_t i = 0; i < 6; ++i) {
    const float v = x.data<float>()[i];
    if (std::isnan(d.values[static_cast<size_t>(i)])) EXPECT_EQ(v, 0.0f);
    else EXPECT_NEAR(n.denormalize(v, 0), d.values[static_cast<size_t>(i)], 1e-5);
  }
  const ChannelNormalization back = ChannelNormalization::from_json(n.to_json());
  EXPECT_EQ(back.mean, n.mean);
  EXPECT_EQ(back.stddev, n.stddev);
}

// Surface pressure in Pa: a spread of 1/256 on a mean of 1e5 is below what E[x^2] - E[x]^2 resolves.
TEST(ChannelNormalization, SmallSpreadOnALargeMean) {
  FieldDataset d = hourly_fields(500, 1, 1, 2);
  for (size_t i = 0; i < d.values.size(); ++i) d.values[i] = 100000.0f + (i % 2 ? 1.0f / 128 : 0.0f);
  std::vector<int64_t> times(500);
  for (int64_t t = 0; t < 500; ++t) times[static_cast<size_t>(t)] = t;
  const ChannelNormalization n = ChannelNormalization::fit(d, times, "test");
  EXPECT_DOUBLE_EQ(n.mean[0], 100000.0 + 1.0 / 256);
  EXPECT_DOUBLE_EQ(n.stddev[0], 1.0 / 256);
}

TEST(ChannelNormalization, ConstantChannelKeepsUnitScale) {
  FieldDataset d = hourly_fields(3, 1, 1, 2);
  d.values.assign(6, 288.15f);
  const ChannelNormalization n = ChannelNormalization::fit(d, {0, 1, 2}, "test");
  EXPECT_EQ(n.stddev[0], 1.0);
  const Tensor x = n.normalize(d, {0, 1, 2});
  for (int64_t i = 0; i < 6; ++i) EXPECT_EQ(x.data<float>()[i], 0.0f);
}

// Non-finite values count as missing, as the reader makes them (a FieldDataset built elsewhere may hold them).
TEST(ChannelNormalization, InfinitiesAreMissing) {
  FieldDataset d = hourly_fields(3, 1, 1, 2);
  const float inf = std::numeric_limits<float>::infinity();
  d.values = {1, inf, -inf, 5, 7, 9};
  const ChannelNormalization n = ChannelNormalization::fit(d, {0, 1, 2}, "test");
  EXPECT_NEAR(n.mean[0], 5.5, 1e-9);  // 1, 5, 7, 9
  const Tensor x = n.normalize(d, {0, 1, 2});
  EXPECT_EQ(x.data<float>()[1], 0.0f);
  EXPECT_EQ(x.data<float>()[2], 0.0f);
  const Climatology c = Climatology::fit(d, {0, 1, 2});
  EXPECT_TRUE(std::isnan(c.values[1]));                  // 00 UTC at the second point: never observed
  EXPECT_NEAR(c.values[c.values.size() - 2], 4.0, 1e-5);  // overall: 1 and 7 at the first point,
  EXPECT_NEAR(c.values[c.values.size() - 1], 7.0, 1e-5);  // 5 and 9 at the second
}

TEST(ChannelNormalization, AllMissingChannelIsADataError) {
  FieldDataset d = hourly_fields(2, 1, 1, 2);
  d.values.assign(4, kNaN);
  EXPECT_THROW(ChannelNormalization::fit(d, {0, 1}, "in.nc"), DataError);
}

TEST(Climatology, MeanPerHourOfDayWithOverallFallback) {
  FieldDataset d = hourly_fields(48, 1, 1, 1);  // two days
  for (int64_t t = 0; t < 48; ++t) d.values[static_cast<size_t>(t)] = static_cast<float>(t);
  const std::vector<int64_t> even_hours = [] {
    std::vector<int64_t> r;
    for (int64_t t = 0; t < 48; t += 2) r.push_back(t);
    return r;
  }();
  const Climatology c = Climatology::fit(d, even_hours);
  EXPECT_EQ(c.hours.size(), 12u);
  EXPECT_NEAR(*c.at(d.time_hours[6]), (6 + 30) / 2.0, 1e-5);
  EXPECT_NEAR(*c.at(d.time_hours[30] + 24 * 10), (6 + 30) / 2.0, 1e-5);  // any day, same hour
  EXPECT_NEAR(*c.at(d.time_hours[7]), 23.0, 1e-5);  // 07:00 never trained: mean of 0, 2, ..., 46
  const Climatology back = Climatology::from_json(c.to_json());
  EXPECT_EQ(back.hours, c.hours);
  EXPECT_EQ(*back.at(d.time_hours[6]), *c.at(d.time_hours[6]));
}

TEST(TimePeriod, DatesSelectWholeDays) {
  const FieldDataset d = hourly_fields(72);  // 2019-03-01 .. 03-03, hourly
  EXPECT_EQ(times_within(d, {"2019-03-02", "2019-03-02"}, "cfg").size(), 24u);
  EXPECT_EQ(times_within(d, {"2019-03-01T06:00", "2019-03-01T11:00"}, "cfg"), range(6, 12));
  EXPECT_THROW(times_within(d, {"March 2", "2019-03-02"}, "cfg"), ConfigError);
  EXPECT_THROW(times_within(d, {"2019-02-30", "2019-03-02"}, "cfg"), ConfigError);
}

TEST(ForecastLoss, LatitudeWeightedAndBlindToMissingTargets) {
  FieldDataset d = hourly_fields(2, 1, 2, 1);
  d.latitude.values = {0, 60};  // weights 4/3, 2/3
  d.values = {0, 0, 0, kNaN};
  ChannelNormalization n;
  n.mean = {0};
  n.stddev = {1};
  const std::vector<double> w = field::latitude_weights(d.latitude.values);
  // targets: time 0 (both points valid) and time 1 (second point missing); errors 1, 2 and 3, 100
  const Tensor predicted = Tensor::from_vector<float>({1, 2, 3, 100}, {2, 1, 2, 1});
  const double loss = forecast_loss(predicted, d, {0, 1}, n, w).item();
  EXPECT_NEAR(loss, (4.0 / 3.0 * 1 + 2.0 / 3.0 * 4 + 4.0 / 3.0 * 9) / 3.0, 1e-5);
}

TEST(ForecastPairs, OnlyPairsInsideTheGivenTimes) {
  const FieldDataset d = hourly_fields(10);
  const std::vector<ForecastPair> p = forecast_pairs(d, range(0, 8), {6});
  ASSERT_EQ(p.size(), 2u);  // 0 -> 6 and 1 -> 7
  EXPECT_EQ(p[1].init, 1);
  EXPECT_EQ(p[1].target, 7);
}

TEST(WeatherModel, TinyModelFitsOneBatch) {
  WeatherModel m(tiny_config(2, 5, 7, 1));
  m.initialize(5);
  const FieldDataset d = hourly_fields(12);
  const ChannelNormalization n = ChannelNormalization::fit(d, range(0, 12), "test");
  const std::vector<double> w = field::latitude_weights(d.latitude.values);
  const std::vector<int64_t> inits = {0, 3}, targets = {6, 9};
  const Tensor x = n.normalize(d, inits);
  const Tensor calendar = field::calendar_features({d.time_hours[0], d.time_hours[3]});
  optim::AdamW opt(m.named_parameters(), {3e-3, 0.9, 0.999, 1e-8, 0.0});
  double first = 0, last = 0;
  for (int step = 0; step < 60; ++step) {
    opt.zero_grad();
    Tensor loss = forecast_loss(m.forward(x, Tensor::full({2}, 6.0), calendar), d, targets, n, w);
    loss.backward();
    opt.step(3e-3);
    (step == 0 ? first : last) = loss.item();
  }
  EXPECT_GT(first, 0.05);
  EXPECT_LT(last, 0.1 * first) << "first " << first << " last " << last;
}

}  // namespace
}  // namespace tessera::weather
