#pragma once
// Each subcommand registers its flags on the app and returns the action to run once parsed.
#include <CLI/CLI.hpp>
#include <functional>

namespace tessera::cli {

using Action = std::function<void()>;

void add_bench_command(CLI::App& app, Action& action);
void add_info_command(CLI::App& app, Action& action);

}  // namespace tessera::cli
