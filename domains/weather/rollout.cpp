#include "domains/weather/rollout.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/autograd/autograd.h"
#include "core/util/error.h"
#include "modalities/field/field_patch_embedding.h"

namespace tessera::weather {

std::vector<double> rollout_steps(double lead_hours, const std::vector<double>& trained_leads) {
  std::vector<double> leads = trained_leads;
  std::sort(leads.rbegin(), leads.rend());
  if (!std::isfinite(lead_hours) || lead_hours <= 0)
    throw InputError("", "a lead of " + std::to_string(lead_hours) + " h: leads are positive and finite");
  if (lead_hours / leads.back() > kMaxRolloutSteps)
    throw InputError("", "a lead of " + std::to_string(lead_hours) + " h needs more than " +
                             std::to_string(kMaxRolloutSteps) + " model steps");
  std::vector<double> steps;
  double left = lead_hours;
  for (double step : leads)
    while (left >= step - 1e-9) {
      steps.push_back(step);
      left -= step;
    }
  if (std::abs(left) > 1e-9 || steps.empty()) {
    std::string trained;
    for (double l : trained_leads) trained += (trained.empty() ? "" : ", ") + std::to_string(static_cast<int64_t>(l)) + " h";
    throw InputError("", "a lead of " + std::to_string(lead_hours) + " h is not a sum of the trained leads (" + trained + ")");
  }
  return steps;
}

Tensor forecast_step(const WeatherModel& model, const Tensor& fields, const std::vector<double>& times, double lead_hours) {
  autograd::NoGradScope no_grad;
  return model.forward(model.place(fields), model.place(Tensor::full({fields.size(0)}, lead_hours)),
                       model.place(field::calendar_features(times)));
}

Forecast forecast(const WeatherModel& model, const ChannelNormalization& normalization,
                  const std::vector<double>& trained_leads, const FieldDataset& data,
                  const std::vector<int64_t>& init_times, const std::vector<double>& lead_hours) {
  const int64_t batch = 16, C = data.num_channels(), plane = data.lats() * data.lons(), L = static_cast<int64_t>(lead_hours.size());
  std::vector<std::vector<double>> plans;
  for (double lead : lead_hours) plans.push_back(rollout_steps(lead, trained_leads));
  Forecast out{init_times, lead_hours, std::vector<float>(init_times.size() * static_cast<size_t>(L * C * plane))};
  for (size_t first = 0; first < init_times.size(); first += batch) {
    const std::vector<int64_t> inits(init_times.begin() + static_cast<std::ptrdiff_t>(first),
                                     init_times.begin() + static_cast<std::ptrdiff_t>(std::min(first + batch, init_times.size())));
    const int64_t B = static_cast<int64_t>(inits.size());
    // The previous lead's plan and end state: a plan that extends it continues from there, so the
    // usual leads (1, 2, ... K steps) cost K steps in all, not K^2 / 2.
    std::vector<double> previous_plan;
    Tensor previous_state;
    const Tensor initial_state = normalization.normalize(data, inits);
    for (int64_t l = 0; l < L; ++l) {
      const std::vector<double>& plan = plans[static_cast<size_t>(l)];
      const bool extends = previous_state.defined() && previous_plan.size() <= plan.size() &&
                           std::equal(previous_plan.begin(), previous_plan.end(), plan.begin());
      size_t taken = extends ? previous_plan.size() : 0;
      Tensor state = extends ? previous_state : initial_state;
      double elapsed = 0;
      for (size_t k = 0; k < taken; ++k) elapsed += plan[k];
      for (; taken < plan.size(); ++taken) {
        std::vector<double> times;
        for (int64_t t : inits) times.push_back(data.time_hours[static_cast<size_t>(t)] + elapsed);
        state = forecast_step(model, state, times, plan[taken]);
        elapsed += plan[taken];
        ++out.model_steps;
      }
      previous_plan = plan;
      previous_state = state;
      const Tensor host = state.device().is_cpu() ? state : state.to(Device::cpu());
      const float* s = host.data<float>();
      for (int64_t b = 0; b < B; ++b)
        for (int64_t c = 0; c < C; ++c) {
          const float* initial = &data.values[data.index(inits[static_cast<size_t>(b)], c, 0, 0)];
          float* o = &out.values[(((first + static_cast<size_t>(b)) * static_cast<size_t>(L) + static_cast<size_t>(l)) *
                                      static_cast<size_t>(C) + static_cast<size_t>(c)) * static_cast<size_t>(plane)];
          for (int64_t i = 0; i < plane; ++i)
            o[i] = std::isnan(initial[i]) ? std::numeric_limits<float>::quiet_NaN()
                                          : normalization.denormalize(s[(b * C + c) * plane + i], c);
        }
    }
  }
  return out;
}

}  // namespace tessera::weather
