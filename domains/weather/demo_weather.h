#pragma once
// The quick-start weather data set: near-surface temperature from a small physical model that
// the project runs itself, so a fresh machine needs no downloads. A tracer is advected by a
// westerly flow plus travelling planetary waves (a non-divergent stream function), diffused, and
// relaxed towards a radiative equilibrium with an equator-to-pole gradient and a diurnal cycle
// that follows the sun, on a global 32 x 48 latitude-longitude grid (5.625 x 7.5 degrees).
#include <cstdint>

#include "domains/weather/field_dataset.h"

namespace tessera::weather {

struct DemoWeatherOptions {
  int days = 30;      // of hourly output, after a spin-up that is not written
  uint64_t seed = 1;  // wave numbers, speeds, amplitudes and phases, and the initial state
};

// Hourly `t2m` (K) from 2000-03-01T00:00 on, in the conventions of an ERA5 file: time in
// "hours since 2000-03-01 00:00:00", latitude descending, longitude 0..352.5.
FieldDataset simulate_demo_weather(const DemoWeatherOptions& options);

}  // namespace tessera::weather
