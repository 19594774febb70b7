#pragma once
// Each subcommand registers its flags on the app and sets the action to run once parsed. An
// action returns the process exit code.
#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace tessera::cli {

using Action = std::function<int()>;

void add_train_command(CLI::App& app, Action& action);
void add_generate_command(CLI::App& app, Action& action);
void add_eval_command(CLI::App& app, Action& action);
void add_eval_weather_command(CLI::App& eval, Action& action);  // `eval weather`, under `eval`
void add_predict_command(CLI::App& app, Action& action);
void add_info_command(CLI::App& app, Action& action);
void add_bench_command(CLI::App& app, Action& action);
void add_data_command(CLI::App& app, Action& action);
void add_carbon_command(CLI::App& app, Action& action);

// The --device flag every command that runs a model takes.
inline CLI::Option* add_device_option(CLI::App* command, std::string& device) {
  return command->add_option("--device", device, "Where to run: cpu, cuda or cuda:N");
}

// Makes every domain's tasks known to `tessera train`; adding a domain adds one line here.
void register_domains();

}  // namespace tessera::cli
