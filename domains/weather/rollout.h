#pragma once
// Forecasts at any lead: a lead the model was trained on is one call; a longer one is an
// autoregressive rollout, each step fed the previous step's output.
#include <vector>

#include "domains/weather/field_dataset.h"
#include "domains/weather/field_statistics.h"
#include "domains/weather/weather_model.h"

namespace tessera::weather {

// The longest rollout a lead may need: past it, a forecast is noise and its time unbounded.
constexpr int64_t kMaxRolloutSteps = 100000;

// The model steps that make up a lead: greedily the longest trained lead that still fits, so 24 h
// with trained leads {1, 6} is 6 + 6 + 6 + 6. Throws InputError when the trained leads cannot
// add up to it exactly, or when it needs more than kMaxRolloutSteps steps.
std::vector<double> rollout_steps(double lead_hours, const std::vector<double>& trained_leads);

// One model step from normalized fields [B, C, lats, lons] valid at `times` (hours since 1970),
// `lead_hours` ahead; no autograd graph.
Tensor forecast_step(const WeatherModel& model, const Tensor& fields, const std::vector<double>& times, double lead_hours);

// Forecasts from each of `init_times` (indices into data) at each lead, in physical units; a grid
// point missing (NaN) in an initial field stays missing in its forecasts.
Forecast forecast(const WeatherModel& model, const ChannelNormalization& normalization,
                  const std::vector<double>& trained_leads, const FieldDataset& data,
                  const std::vector<int64_t>& init_times, const std::vector<double>& lead_hours);

}  // namespace tessera::weather
