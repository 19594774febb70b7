#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/carbon_options.h"
#include "cli/commands.h"
#include "core/util/error.h"
#include "domains/weather/rollout.h"
#include "domains/weather/weather_model_spec.h"

namespace tessera::cli {
namespace {

struct PredictWeatherFlags {
  std::string checkpoint;
  std::vector<std::string> inputs;
  std::string output;
  int64_t steps = 1;
  double step_hours = 0;  // 0: the model's longest trained lead
  CheckpointRunFlags run;
};

int run_weather_prediction(const PredictWeatherFlags& f) {
  std::unique_ptr<CarbonScope> carbon = start_checkpoint_carbon(f.run, "predict", f.checkpoint);
  weather::LoadedWeatherModel m = weather::load_weather_model(f.checkpoint);
  const weather::FieldDataset data = weather::read_fields(f.inputs, m.grid.variables);
  m.grid.check_matches(data, f.inputs.front());
  const double step =
      f.step_hours > 0 ? f.step_hours : *std::max_element(m.spec.lead_hours.begin(), m.spec.lead_hours.end());
  std::vector<double> leads;
  for (int64_t k = 1; k <= f.steps; ++k) leads.push_back(step * static_cast<double>(k));
  std::vector<int64_t> inits;
  for (int64_t t = 0; t < data.times(); ++t) inits.push_back(t);
  const weather::Forecast forecast = weather::forecast(*m.model, m.normalization, m.spec.lead_hours, data, inits, leads);
  weather::Attributes history;
  history["source"].text = "Tessera weather model " + std::filesystem::path(f.checkpoint).filename().string();
  weather::write_forecast(f.output, data, forecast, f.inputs, history);
  if (carbon) carbon->finish();
  nlohmann::ordered_json j = {{"output", f.output}, {"initial_times", inits.size()}, {"lead_hours", leads}};
  std::cout << j.dump() << std::endl;
  return 0;
}

}  // namespace

void add_predict_command(CLI::App& app, Action& action) {
  CLI::App* predict = app.add_subcommand("predict", "Run a trained model on new input and write its predictions");
  predict->require_subcommand(1);
  auto f = std::make_shared<PredictWeatherFlags>();
  CLI::App* w = predict->add_subcommand(
      "weather", "Forecast from every time of a NetCDF input; writes CF-1.8 NetCDF with a lead_time dimension");
  w->add_option("--checkpoint", f->checkpoint, "Checkpoint of a weather model (.h5)")->required();
  w->add_option("--input", f->inputs, "NetCDF file(s) with the model's variables on its grid")->required();
  w->add_option("--output", f->output, "NetCDF file to write (never one of the inputs)")->required();
  w->add_option("--steps", f->steps, "Autoregressive steps: forecasts at 1..K times the step")
      ->capture_default_str()->check(CLI::Range(1, 10000));
  w->add_option("--step-hours", f->step_hours, "Hours per step (default: the longest lead the model was trained on)")
      ->check(CLI::PositiveNumber);
  add_checkpoint_run_flags(*w, f->run);
  w->callback([f, &action] { action = [f] { return run_weather_prediction(*f); }; });
}

}  // namespace tessera::cli
