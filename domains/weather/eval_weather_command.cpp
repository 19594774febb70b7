#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>

#include "core/io/atomic_file.h"
#include "core/io/output_path.h"
#include "core/util/error.h"
#include "domains/weather/time_period.h"
#include "domains/weather/weather_benchmark.h"
#include "domains/weather/weather_commands.h"

namespace tessera::weather {
namespace {

struct EvalFlags {
  std::vector<std::string> inputs;
  std::string start, end;
  std::vector<double> lead_hours{1, 6, 12, 24};
  std::string json;
};

// The times scored: those in the period asked for, else the model's test period, else every
// time of the input (`whole_input`, noted once the scores exist, so that a failure stays one line).
struct ScoredTimes {
  std::vector<int64_t> times;
  TimePeriod period;
  bool whole_input = false;
};

ScoredTimes scored_times(const EvalFlags& f, const LoadedWeatherModel& m, const FieldDataset& data) {
  const std::string& source = f.inputs.front();
  ScoredTimes s;
  s.period = {f.start.empty() ? m.test_period.start : f.start, f.end.empty() ? m.test_period.end : f.end};
  s.times = times_within(data, s.period, source);
  if (s.times.empty() && f.start.empty() && f.end.empty()) {
    s.whole_input = true;
    for (int64_t t = 0; t < data.times(); ++t) s.times.push_back(t);
  }
  if (s.times.empty()) throw DataError(source, "no time between " + s.period.start + " and " + s.period.end);
  return s;
}

domains::CommandResult evaluate(const EvalFlags& f, const domains::ModelRun& run) {
  if (!f.json.empty()) {
    std::vector<std::string> inputs = f.inputs;
    inputs.push_back(run.checkpoint);
    io::check_output_path(f.json, "--json", inputs);
  }
  const LoadedWeatherModel m = load_weather_model(run.checkpoint, run.device);
  const FieldDataset data = read_fields(f.inputs, m.grid.variables);
  m.grid.check_matches(data, f.inputs.front());
  std::vector<double> leads = f.lead_hours;
  std::sort(leads.begin(), leads.end());
  const ScoredTimes scored = scored_times(f, m, data);
  const WeatherBenchmark b = benchmark_weather(m, data, scored.times, leads, f.inputs.front());
  if (scored.whole_input)
    std::cerr << "tessera: the input has no time in the model's test period " << scored.period.start << " .. "
              << scored.period.end << "; scored all of its times\n";
  nlohmann::ordered_json j = {{"checkpoint", run.checkpoint}, {"input", f.inputs}, {"initial_times", b.init_times.size()}};
  j.update(eval::forecast_scores_json(b.scores));
  j[eval::kComparisonKey] = eval::comparison_json(eval::forecast_comparison(b.scores));
  if (!f.json.empty()) io::write_text_atomically(f.json, j.dump(2) + "\n");
  std::cerr << eval::format_forecast_scores(b.scores) << std::flush;
  return j;
}

}  // namespace

domains::DomainCommand eval_weather_command() {
  domains::DomainCommand c;
  c.verb = "eval";
  c.name = "weather";
  c.description =
      "Latitude-weighted RMSE, bias and ACC of a weather model beside persistence and climatology (JSON on stdout, "
      "table on stderr)";
  c.add_flags = [](CLI::App& cmd) -> domains::CommandRun {
    auto f = std::make_shared<EvalFlags>();
    cmd.add_option("--input", f->inputs, "NetCDF file(s) with the model's variables on its grid")->required();
    cmd.add_option("--start", f->start, "First initial time scored, ISO date (default: the model's test_start)");
    cmd.add_option("--end", f->end, "Last valid time scored, ISO date (default: the model's test_end)");
    cmd.add_option("--lead-hours", f->lead_hours, "Leads to score, in hours")
        ->capture_default_str()
        ->delimiter(',')
        ->check(domains::finite_number())
        ->check(CLI::PositiveNumber);
    cmd.add_option("--json", f->json, "Also write the scores as indented JSON to this file")
        ->check(domains::output_file());
    return [f](const domains::ModelRun& run) { return evaluate(*f, run); };
  };
  return c;
}

}  // namespace tessera::weather
