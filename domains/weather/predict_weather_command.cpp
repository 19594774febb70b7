#include <algorithm>
#include <filesystem>
#include <memory>

#include "core/io/output_path.h"
#include "domains/weather/rollout.h"
#include "domains/weather/weather_commands.h"
#include "domains/weather/weather_model_spec.h"

namespace tessera::weather {
namespace {

struct PredictFlags {
  std::vector<std::string> inputs;
  std::string output;
  int64_t steps = 1;
  double step_hours = 0;  // 0: the model's longest trained lead
};

domains::CommandResult predict(const PredictFlags& f, const domains::ModelRun& run) {
  std::vector<std::string> inputs = f.inputs;
  inputs.push_back(run.checkpoint);
  io::check_output_path(f.output, "--output", inputs);
  LoadedWeatherModel m = load_weather_model(run.checkpoint, run.device);
  const FieldDataset data = read_fields(f.inputs, m.grid.variables);
  m.grid.check_matches(data, f.inputs.front());
  const double step =
      f.step_hours > 0 ? f.step_hours : *std::max_element(m.spec.lead_hours.begin(), m.spec.lead_hours.end());
  std::vector<double> leads;
  for (int64_t k = 1; k <= f.steps; ++k) leads.push_back(step * static_cast<double>(k));
  std::vector<int64_t> inits;
  for (int64_t t = 0; t < data.times(); ++t) inits.push_back(t);
  const Forecast forecast = weather::forecast(*m.model, m.normalization, m.spec.lead_hours, data, inits, leads);
  Attributes history;
  history["source"].text = "Tessera weather model " + std::filesystem::path(run.checkpoint).filename().string();
  write_forecast(f.output, data, forecast, f.inputs, history);
  return {{"output", f.output}, {"initial_times", inits.size()}, {"lead_hours", leads}, {"model_steps", forecast.model_steps}};
}

}  // namespace

domains::DomainCommand predict_weather_command() {
  domains::DomainCommand c;
  c.verb = "predict";
  c.name = "weather";
  c.description = "Forecast from every time of a NetCDF input; writes CF-1.8 NetCDF with a lead_time dimension";
  c.add_flags = [](CLI::App& cmd) -> domains::CommandRun {
    auto f = std::make_shared<PredictFlags>();
    cmd.add_option("--input", f->inputs, "NetCDF file(s) with the model's variables on its grid")->required();
    cmd.add_option("--output", f->output, "NetCDF file to write (never one of the inputs)")
        ->required()
        ->check(domains::output_file());
    cmd.add_option("--steps", f->steps, "Autoregressive steps: forecasts at 1..K times the step")
        ->capture_default_str()->check(CLI::Range(1, 10000));
    cmd.add_option("--step-hours", f->step_hours, "Hours per step (default: the longest lead the model was trained on)")
        ->check(domains::finite_number())
        ->check(CLI::PositiveNumber);
    return [f](const domains::ModelRun& run) { return predict(*f, run); };
  };
  return c;
}

}  // namespace tessera::weather
