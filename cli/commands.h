#pragma once
// Each subcommand registers its flags on the app and sets the action to run once parsed. An
// action returns the process exit code.
#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace tessera::cli {

using Action = std::function<int()>;

// The one way a command becomes the action: when `command` is the subcommand parsed, the action
// is `run(*flags)`, with the flags as parsed.
template <class Flags, class Run>
void on_parsed(CLI::App* command, Action& action, std::shared_ptr<Flags> flags, Run run) {
  command->callback([&action, flags, run] { action = [flags, run] { return run(*flags); }; });
}

// A command's result: one JSON line on stdout (strings that are not UTF-8 are replaced, never fatal).
void print_result(const nlohmann::ordered_json& result);

void add_train_command(CLI::App& app, Action& action);
void add_info_command(CLI::App& app, Action& action);
void add_bench_command(CLI::App& app, Action& action);
void add_carbon_command(CLI::App& app, Action& action);
void add_audit_command(CLI::App& app, Action& action);  // tessera audit bias
void add_card_command(CLI::App& app, Action& action);   // tessera card
// Every registered domain's commands (predict, eval, generate, data ...), under their verbs.
void add_domain_commands(CLI::App& app, Action& action);
// `tessera eval suite`: every domain evaluation a suite file names, in one report.
void add_eval_suite_command(CLI::App& app, Action& action);
// The subcommand that groups a verb's commands (predict, eval, data), made on first use.
CLI::App* verb_group(CLI::App& app, const std::string& verb);

// The --device flag every command that runs a model takes.
inline CLI::Option* add_device_option(CLI::App* command, std::string& device) {
  return command->add_option("--device", device, "Where to run: cpu, cuda or cuda:N");
}

}  // namespace tessera::cli
