#include <chrono>
#include <memory>

#include "core/io/output_path.h"
#include "domains/weather/demo_weather.h"
#include "domains/weather/field_writer.h"
#include "domains/weather/weather_commands.h"

namespace tessera::weather {
namespace {

struct DemoFlags {
  std::string output;
  DemoWeatherOptions options;
};

domains::CommandResult make_demo(const DemoFlags& f) {
  io::check_output_path(f.output, "--output", {});
  const auto start = std::chrono::steady_clock::now();
  const FieldDataset fields = simulate_demo_weather(f.options);
  write_fields(f.output, fields);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return {{"output", f.output}, {"variable", fields.channels.front().variable},
          {"times", fields.times()}, {"lats", fields.lats()},
          {"lons", fields.lons()},   {"days", f.options.days},
          {"seed", f.options.seed},  {"seconds", seconds}};
}

}  // namespace

domains::DomainCommand weather_demo_command() {
  domains::DomainCommand c;
  c.verb = "data";
  c.name = "weather-demo";
  c.description =
      "Hourly 2 m temperature from a small advection-diffusion model on a 32 x 48 global grid (CF NetCDF)";
  c.runs_model = false;
  c.metered = false;
  c.add_flags = [](CLI::App& cmd) -> domains::CommandRun {
    auto f = std::make_shared<DemoFlags>();
    cmd.add_option("--output", f->output, "NetCDF file to write")->required()->check(domains::output_file());
    cmd.add_option("--days", f->options.days, "Days of hourly fields")->check(CLI::Range(1, 3650))->capture_default_str();
    cmd.add_option("--seed", f->options.seed, "Seed of the waves and the initial state")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    return [f](const domains::ModelRun&) { return make_demo(*f); };
  };
  return c;
}

}  // namespace tessera::weather
