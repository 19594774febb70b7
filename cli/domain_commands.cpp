// The CLI side of the domain plug-ins: every command a domain registers is added under its verb,
// with the flags every model-running command shares (--checkpoint, --device, --precision, --run-dir
// and the carbon flags), metered, and its result printed as one JSON line.
#include <iostream>
#include <map>
#include <memory>

#include "cli/carbon_options.h"
#include "cli/commands.h"
#include "core/cuda/runtime.h"
#include "core/nn/mixed_precision.h"
#include "core/util/error.h"
#include "domains/plugin/domain_registry.h"
#include "domains/plugin/flag_checks.h"

namespace tessera::cli {
namespace {

// Verbs that group the domains' subcommands; a verb not listed here is a command of its own.
const std::map<std::string, std::string> kVerbs = {
    {"predict", "Run a trained model on new input and write its predictions"},
    {"eval", "Score a trained model on data (prints one JSON line)"},
    {"data", "Make a data set the project generates itself"},
};

struct ModelFlags {
  std::string checkpoint;
  std::string device = "cpu";
  std::string precision = "fp32";
  CheckpointRunFlags run;
};

// The precision a model-running command asked for, in effect for the whole process. bf16 is the
// CPU's (bf16 matrix products); on CUDA the domains' models have no bf16 inference path yet.
void use_command_precision(const std::string& text, Device device) {
  const nn::Precision precision = nn::parse_precision(text, "--precision");
  if (precision == nn::Precision::bf16 && !device.is_cpu())
    throw ConfigError("--precision", "bf16 for predict and eval runs on the CPU only; on CUDA use fp32");
  nn::use_precision(precision, device, &std::cerr);
}

void add_domain_command(CLI::App& app, const domains::Domain& domain, const domains::DomainCommand& c, Action& action) {
  CLI::App* cmd = c.name.empty() ? app.add_subcommand(c.verb, c.description)
                                 : verb_group(app, c.verb)->add_subcommand(c.name, c.description);
  auto flags = std::make_shared<ModelFlags>();
  if (c.runs_model) {
    const std::string model = domain.models.empty() ? "a " + domain.name + " model" : domain.models.front().kind.description;
    cmd->add_option("--checkpoint", flags->checkpoint, "Checkpoint of " + model + " (.h5)")
        ->required()
        ->check(domains::input_file());
    add_device_option(cmd, flags->device)->capture_default_str();
    cmd->add_option("--precision", flags->precision,
                    "fp32, or bf16: matrix products with bf16 operands and fp32 accumulation (CPU; on CPUs without "
                    "AVX512-BF16 or AMX it runs as fp32, with a note)")
        ->check(CLI::IsMember({"fp32", "bf16"}))
        ->capture_default_str();
  }
  if (c.metered) add_checkpoint_run_flags(*cmd, flags->run);
  const domains::CommandRun run = c.add_flags(*cmd);
  on_parsed(cmd, action, flags, [run, c](const ModelFlags& f) {
    const domains::ModelRun model{f.checkpoint, c.runs_model ? cuda::usable_device(f.device, "--device") : Device::cpu()};
    if (c.runs_model) use_command_precision(f.precision, model.device);
    std::unique_ptr<CarbonScope> carbon = c.metered ? start_checkpoint_carbon(f.run, c.verb, f.checkpoint) : nullptr;
    const domains::CommandResult result = run(model);
    if (carbon) carbon->finish();
    if (!result.is_null()) print_result(result);
    return 0;
  });
}

}  // namespace

CLI::App* verb_group(CLI::App& app, const std::string& verb) {
  for (CLI::App* existing : app.get_subcommands({}))
    if (existing->get_name() == verb) return existing;
  CLI::App* group = app.add_subcommand(verb, kVerbs.at(verb));
  group->require_subcommand(1);
  return group;
}

void add_domain_commands(CLI::App& app, Action& action) {
  for (const domains::Domain& domain : domains::registered_domains())
    for (const domains::DomainCommand& c : domain.commands) add_domain_command(app, domain, c, action);
}

}  // namespace tessera::cli
