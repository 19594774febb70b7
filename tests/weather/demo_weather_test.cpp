// The quick-start data set: the model's fields read back through read_fields and behave like
// weather (finite, bounded, changing, with a day-night cycle), and a seed reproduces them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "domains/weather/demo_weather.h"
#include "domains/weather/field_dataset.h"
#include "domains/weather/field_writer.h"
#include "tests/support/scratch_dir.h"
#include "tests/weather/netcdf_fixture.h"

namespace tessera::weather {
namespace {

// Area-weighted (cos latitude) mean of one field.
double area_mean(const FieldDataset& d, int64_t t) {
  double sum = 0, weights = 0;
  for (int64_t y = 0; y < d.lats(); ++y) {
    const double w = std::cos(d.latitude.values[y] * M_PI / 180);
    for (int64_t x = 0; x < d.lons(); ++x) sum += w * d.values[d.index(t, 0, y, x)], weights += w;
  }
  return sum / weights;
}

TEST(DemoWeather, ReadsBackAsAnEra5LikeFile) {
  const test_support::ScratchDir scratch;
  const std::string path = scratch.str() + "/demo.nc";
  const FieldDataset simulated = simulate_demo_weather({4, 7});
  write_fields(path, simulated);
  const FieldDataset d = read_fields({path});
  ASSERT_EQ(d.times(), 96);
  ASSERT_EQ(d.lats(), 32);
  ASSERT_EQ(d.lons(), 48);
  EXPECT_EQ(d.channels[0].name, "t2m");
  EXPECT_EQ(d.channels[0].attributes.at("units").text, "K");
  EXPECT_NEAR(d.latitude.values.front(), 87.1875, 1e-9);  // descending, like ERA5
  EXPECT_NEAR(d.latitude.values.back(), -87.1875, 1e-9);
  EXPECT_EQ(d.longitude.values[1], 7.5);
  EXPECT_EQ(d.time_hours.front(), 11017 * 24.0);  // 2000-03-01T00:00 (Python: date(2000, 3, 1) - date(1970, 1, 1))
  EXPECT_EQ(d.time_hours[1] - d.time_hours[0], 1);
  EXPECT_EQ(d.values, simulated.values);
}

TEST(DemoWeather, PhysicallySensible) {
  const FieldDataset d = simulate_demo_weather({6, 3});
  for (float v : d.values) ASSERT_TRUE(std::isfinite(v) && v > 180 && v < 340) << v;
  // Relaxation keeps the global mean within a narrow band; the poles stay colder than the tropics.
  for (int64_t t = 0; t < d.times(); t += 6) EXPECT_NEAR(area_mean(d, t), area_mean(d, 0), 2.0) << t;
  EXPECT_LT(d.values[d.index(0, 0, 0, 0)] + 20, d.values[d.index(0, 0, 16, 0)]);
  // Weather moves: after a day, a typical point has changed by more than a kelvin; after an hour, by less.
  double hour = 0, day = 0;
  const int64_t plane = d.lats() * d.lons();
  for (int64_t k = 0; k < plane; ++k) {
    hour += std::abs(d.values[static_cast<size_t>(plane * 49 + k)] - d.values[static_cast<size_t>(plane * 48 + k)]);
    day += std::abs(d.values[static_cast<size_t>(plane * 120 + k)] - d.values[static_cast<size_t>(plane * 48 + k)]);
  }
  EXPECT_GT(day / plane, 1.0);
  EXPECT_LT(hour / plane, day / plane);
  // The sun: at a tropical point, afternoon is warmer than the early morning, every day.
  const int64_t y = 16, x = 0;  // longitude 0: local time = UTC
  for (int day_index = 0; day_index < 6; ++day_index)
    EXPECT_GT(d.values[d.index(day_index * 24 + 15, 0, y, x)], d.values[d.index(day_index * 24 + 5, 0, y, x)]) << day_index;
}

TEST(DemoWeather, SeedReproducesAndVaries) {
  const FieldDataset a = simulate_demo_weather({1, 11});
  EXPECT_EQ(a.values, simulate_demo_weather({1, 11}).values);
  EXPECT_NE(a.values, simulate_demo_weather({1, 12}).values);
}

}  // namespace
}  // namespace tessera::weather
