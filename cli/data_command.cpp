// `tessera data`: makes the data sets the project can generate itself, e.g. the quick-start
// weather fields, so a fresh machine needs nothing downloaded.
#include <chrono>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "domains/weather/demo_weather.h"
#include "domains/weather/field_writer.h"

namespace tessera::cli {
namespace {

struct WeatherDemoFlags {
  std::string output;
  weather::DemoWeatherOptions options;
};

int make_weather_demo(const WeatherDemoFlags& f) {
  const auto start = std::chrono::steady_clock::now();
  const weather::FieldDataset fields = weather::simulate_demo_weather(f.options);
  weather::write_fields(f.output, fields);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  nlohmann::ordered_json j = {{"output", f.output}, {"variable", fields.channels.front().variable},  {"times", fields.times()},
                              {"lats", fields.lats()}, {"lons", fields.lons()}, {"days", f.options.days},
                              {"seed", f.options.seed}, {"seconds", seconds}};
  std::cout << j.dump() << std::endl;
  return 0;
}

}  // namespace

void add_data_command(CLI::App& app, Action& action) {
  CLI::App* data = app.add_subcommand("data", "Make a data set the project generates itself");
  data->require_subcommand(1);
  auto f = std::make_shared<WeatherDemoFlags>();
  CLI::App* demo = data->add_subcommand(
      "weather-demo", "Hourly 2 m temperature from a small advection-diffusion model on a 32 x 48 global grid (CF NetCDF)");
  demo->add_option("--output", f->output, "NetCDF file to write")->required();
  demo->add_option("--days", f->options.days, "Days of hourly fields")->check(CLI::Range(1, 3650))->capture_default_str();
  demo->add_option("--seed", f->options.seed, "Seed of the waves and the initial state")->capture_default_str();
  demo->callback([f, &action] { action = [f] { return make_weather_demo(*f); }; });
}

}  // namespace tessera::cli
