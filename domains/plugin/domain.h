#pragma once
// What a domain plugs into Tessera: the tasks `tessera train` can build from a run config, the
// models its checkpoints hold, and the commands it adds to the CLI (`predict weather`, `eval text`,
// `generate`, `data weather-demo`). The CLI loops over the registered domains and never names
// one; adding a domain is a folder under domains/ plus one entry in TESSERA_DOMAINS
// (domains/CMakeLists.txt). docs/architecture.md walks through it.
#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/nn/module.h"
#include "core/config/config.h"
#include "core/task/task.h"
#include "core/task/trained_model.h"
#include "core/device/device.h"
#include "domains/plugin/flag_checks.h"
#include "eval/group_metrics.h"

namespace tessera::domains {

// What the CLI hands a command that runs a trained model, already checked: the --checkpoint
// path and the --device it exists on.
struct ModelRun {
  std::string checkpoint;
  Device device;
};

// A command's result, printed by the CLI as one JSON line on stdout; null when the command
// streams its own output (generate).
using CommandResult = nlohmann::ordered_json;
using CommandRun = std::function<CommandResult(const ModelRun& run)>;

struct DomainCommand {
  std::string verb;  // the CLI word it sits under: predict, eval, data, generate ...
  std::string name;  // its subcommand under the verb; empty: the verb itself is the command
  std::string description;
  bool runs_model = true;  // the CLI adds --checkpoint and --device
  bool metered = true;     // the CLI meters its energy and carbon (--run-dir and the carbon flags)
  // Adds the command's own flags; returns what runs once they are parsed.
  std::function<CommandRun(CLI::App& command)> add_flags;
};

// A model the domain's checkpoints hold, and how to rebuild it generically (for commands that do
// not know the domain, e.g. `tessera info --verify`).
struct DomainModel {
  ModelKind kind;
  std::function<std::unique_ptr<nn::Module>(const std::string& checkpoint, Device device)> load;
};

// What a domain's bias audit scored: its examples grouped by the attributes that matter in the
// domain (latitude band, bias type ...), and what to say about them in the reports. The audit
// itself (intervals, comparisons, verdicts, reports) is the CLI's, through governance/bias.
struct BiasAuditData {
  std::string title;
  eval::GroupedOutcomes outcomes;
  nlohmann::ordered_json source;   // what was scored: data files, periods, the model
  std::vector<std::string> notes;  // how to read the groups and their units
};
// `tessera audit bias --checkpoint C --config configs/audit/<domain>.yaml`: scores the model on
// the data the config's `data:` section names (the function reads and finishes that section).
using BiasAudit = std::function<BiasAuditData(const ModelRun& run, config::Section data)>;

struct Domain {
  std::string name;
  std::vector<std::pair<std::string, TaskFactory>> tasks;  // by the `task:` name of run configs
  std::vector<DomainModel> models;
  std::vector<DomainCommand> commands;
  BiasAudit bias_audit;  // empty: the domain has no bias audit
};

}  // namespace tessera::domains
