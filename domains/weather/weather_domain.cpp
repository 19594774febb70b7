// The weather domain: gridded fields from CF NetCDF, forecast by a field-patch model (ClimaX
// patches, optional AFNO mixing) and scored beside persistence and climatology.
#include "domains/weather/forecast_task.h"
#include "domains/weather/weather_bias_audit.h"
#include "domains/weather/weather_commands.h"
#include "domains/weather/weather_model_spec.h"

namespace tessera::weather {

domains::Domain weather_domain() {
  domains::Domain d;
  d.name = "weather";
  d.tasks = {{kArchitecture, [](config::Section& root) { return std::make_unique<ForecastTask>(root); }}};
  d.models = {{kWeatherModel, [](const std::string& checkpoint, Device device) -> std::unique_ptr<nn::Module> {
                 return std::move(load_weather_model(checkpoint, device).model);
               }}};
  d.commands = {predict_weather_command(), eval_weather_command(), weather_demo_command()};
  d.bias_audit = weather_bias_audit;
  return d;
}

}  // namespace tessera::weather
