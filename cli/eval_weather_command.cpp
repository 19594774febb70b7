#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/carbon_options.h"
#include "cli/commands.h"
#include "core/io/atomic_file.h"
#include "core/util/error.h"
#include "domains/weather/time_period.h"
#include "eval/weather_benchmark.h"

namespace tessera::cli {
namespace {

struct EvalWeatherFlags {
  std::string checkpoint;
  std::vector<std::string> inputs;
  std::string start, end;
  std::vector<double> lead_hours{1, 6, 12, 24};
  std::string json;
  CheckpointRunFlags run;
};

int run_weather_evaluation(const EvalWeatherFlags& f) {
  std::unique_ptr<CarbonScope> carbon = start_checkpoint_carbon(f.run, "eval", f.checkpoint);
  const weather::LoadedWeatherModel m = weather::load_weather_model(f.checkpoint);
  const weather::FieldDataset data = weather::read_fields(f.inputs, m.grid.variables);
  const std::string& source = f.inputs.front();
  m.grid.check_matches(data, source);
  const weather::TimePeriod period{f.start.empty() ? m.test_period.start : f.start, f.end.empty() ? m.test_period.end : f.end};
  std::vector<int64_t> times = weather::times_within(data, period, source);
  if (times.empty() && f.start.empty() && f.end.empty()) {
    std::cerr << "tessera: the input has no time in the model's test period " << period.start << " .. " << period.end
              << "; scoring all of its times\n";
    for (int64_t t = 0; t < data.times(); ++t) times.push_back(t);
  }
  if (times.empty()) throw DataError(source, "no time between " + period.start + " and " + period.end);
  std::vector<double> leads = f.lead_hours;
  std::sort(leads.begin(), leads.end());
  const eval::WeatherBenchmark b = eval::benchmark_weather(m, data, times, leads, source);
  nlohmann::ordered_json j = {{"checkpoint", f.checkpoint}, {"input", f.inputs}};
  j.update(eval::weather_benchmark_json(b));
  if (!f.json.empty())
    io::write_atomically(f.json, [&](const std::string& tmp) {
      std::ofstream out(tmp);
      out << j.dump(2) << "\n";
      if (!out.flush()) throw InputError(f.json, "cannot write file");
    });
  if (carbon) carbon->finish();
  std::cout << eval::format_weather_table(b) << std::flush;
  return 0;
}

}  // namespace

void add_eval_weather_command(CLI::App& eval, Action& action) {
  auto f = std::make_shared<EvalWeatherFlags>();
  CLI::App* w = eval.add_subcommand(
      "weather", "Latitude-weighted RMSE, bias and ACC of a weather model beside persistence and climatology");
  w->add_option("--checkpoint", f->checkpoint, "Checkpoint of a weather model (.h5)")->required();
  w->add_option("--input", f->inputs, "NetCDF file(s) with the model's variables on its grid")->required();
  w->add_option("--start", f->start, "First initial time scored, ISO date (default: the model's test_start)");
  w->add_option("--end", f->end, "Last valid time scored, ISO date (default: the model's test_end)");
  w->add_option("--lead-hours", f->lead_hours, "Leads to score, in hours")->capture_default_str()->delimiter(',');
  w->add_option("--json", f->json, "Also write the scores as JSON to this file");
  add_checkpoint_run_flags(*w, f->run);
  w->callback([f, &action] { action = [f] { return run_weather_evaluation(*f); }; });
}

}  // namespace tessera::cli
