// `tessera eval suite`: runs every domain evaluation a suite file names, each through its domain's
// own `eval <domain>` command (found in the registry, fed the suite's flags), and writes one report
// of their model-versus-baselines comparisons and the checkpoints' training curves.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/carbon_options.h"
#include "cli/commands.h"
#include "cli/suite_file.h"
#include "core/cuda/runtime.h"
#include "core/io/atomic_file.h"
#include "core/io/checkpoint.h"
#include "core/io/output_path.h"
#include "core/util/error.h"
#include "domains/plugin/domain_registry.h"
#include "governance/bias/model_card.h"
#include "governance/report/suite_report.h"

namespace tessera::cli {
namespace {

namespace fs = std::filesystem;

struct SuiteFlags {
  std::string checkpoint, suite, output_dir, device = "cpu";
  CheckpointRunFlags run;
};

const char* const kReportFiles[] = {"suite.json", "suite.md", "suite.html"};

// One evaluation, its flags parsed by its command and ready to run.
struct PreparedEvaluation {
  std::unique_ptr<CLI::App> command;
  domains::CommandRun run;
  std::string checkpoint;
};

const domains::DomainCommand* eval_command(const std::string& domain) {
  for (const domains::Domain& d : domains::registered_domains())
    for (const domains::DomainCommand& c : d.commands)
      if (c.verb == "eval" && c.name == domain) return &c;
  return nullptr;
}

std::string eval_domains() {
  std::string names;
  for (const domains::Domain& d : domains::registered_domains())
    for (const domains::DomainCommand& c : d.commands)
      if (c.verb == "eval") names += (names.empty() ? "" : ", ") + c.name;
  return names;
}

PreparedEvaluation prepare(const SuiteFile& suite, size_t i, const std::string& default_checkpoint) {
  const SuiteEntry& entry = suite.evaluations[i];
  const std::string label = entry_label(i, entry);
  const domains::DomainCommand* command = eval_command(entry.domain);
  if (!command) throw ConfigError(suite.path, label + "no eval command of that name (this build has: " + eval_domains() + ")");
  PreparedEvaluation p;
  p.checkpoint = entry.checkpoint.empty() ? default_checkpoint : entry.checkpoint;
  p.command = std::make_unique<CLI::App>("tessera eval " + entry.domain, "eval " + entry.domain);
  p.run = command->add_flags(*p.command);
  std::vector<std::string> args;
  // A command that takes its checkpoint as a flag of its own (it can also score files without one).
  if (!command->runs_model && p.command->get_option_no_throw("--checkpoint")) args.push_back("--checkpoint=" + p.checkpoint);
  for (const auto& [key, values] : entry.flags)
    for (const std::string& value : values) args.push_back("--" + key + "=" + value);
  std::reverse(args.begin(), args.end());  // CLI11 takes the arguments last first
  try {
    p.command->parse(args);
  } catch (const CLI::Success&) {  // --help
    throw ConfigError(suite.path, label + "flags: help is not a flag of the evaluation (see tessera eval " + entry.domain +
                                      " --help for those)");
  } catch (const CLI::ParseError& e) {
    throw ConfigError(suite.path, label + e.what());
  }
  return p;
}

// Everything the suite reads: the report may replace none of it. Flag values that name existing
// files or folders are the evaluations' data (the suite does not know which flags are inputs).
std::vector<std::string> suite_inputs(const SuiteFlags& f, const SuiteFile& suite,
                                      const std::vector<PreparedEvaluation>& prepared) {
  std::vector<std::string> inputs = {f.checkpoint, f.suite};
  for (const PreparedEvaluation& p : prepared) inputs.push_back(p.checkpoint);
  std::error_code ec;
  for (const SuiteEntry& entry : suite.evaluations)
    for (const auto& [key, values] : entry.flags)
      for (const std::string& value : values)
        if (fs::exists(value, ec)) inputs.push_back(value);
  return inputs;
}

std::string output_dir_of(const SuiteFlags& f, const SuiteFile& suite) {
  if (!f.output_dir.empty()) return f.output_dir;
  const fs::path beside = fs::path(f.checkpoint).parent_path();
  return ((beside.empty() ? fs::path(".") : beside) / ("eval-suite-" + suite.name)).string();
}

void check_outputs(const std::string& dir, const std::vector<std::string>& inputs) {
  io::check_output_folder(dir, "--output-dir", inputs);
  std::error_code ec;
  if (fs::is_directory(dir, ec))
    for (const char* file : kReportFiles) io::check_output_path((fs::path(dir) / file).string(), "--output-dir", inputs);
}

// The training runs of the checkpoints evaluated, each once, in the order first used; --run-dir
// stands for the run of --checkpoint.
std::vector<report::SuiteRun> training_runs(const SuiteFlags& f, const std::vector<PreparedEvaluation>& prepared,
                                            std::vector<std::string>& notes) {
  std::vector<report::SuiteRun> runs;
  std::vector<std::string> seen;
  for (const PreparedEvaluation& p : prepared) {
    if (std::find(seen.begin(), seen.end(), p.checkpoint) != seen.end()) continue;
    seen.push_back(p.checkpoint);
    const std::string run_dir =
        p.checkpoint == f.checkpoint && !f.run.run_dir.empty() ? f.run.run_dir : bias::run_dir_of(p.checkpoint);
    if (run_dir.empty()) {
      notes.push_back("No training curves for " + p.checkpoint +
                      ": it is not in a run directory (<run>/checkpoints/<file>); --run-dir names it for --checkpoint.");
      continue;
    }
    const auto already = std::find_if(runs.begin(), runs.end(), [&](const report::SuiteRun& r) { return r.run_dir == run_dir; });
    if (already != runs.end()) continue;
    report::SuiteRun run{run_dir, report::training_curves(report::read_metrics_log(run_dir + "/metrics.jsonl"))};
    if (run.curves.empty()) notes.push_back("No training curves for " + p.checkpoint + ": " + run_dir + "/metrics.jsonl is absent or empty.");
    runs.push_back(std::move(run));
  }
  return runs;
}

// All three files or, when one cannot be written, no folder the suite made.
void write_reports(const std::string& dir, const report::SuiteReport& r) {
  std::error_code ec;
  const bool made = !fs::exists(dir, ec);
  fs::create_directories(dir, ec);
  if (ec) throw InputError(dir, "cannot create the folder: " + ec.message());
  try {
    io::write_text_atomically((fs::path(dir) / "suite.json").string(), report::suite_json(r));
    io::write_text_atomically((fs::path(dir) / "suite.md").string(), report::suite_markdown(r));
    io::write_text_atomically((fs::path(dir) / "suite.html").string(), report::suite_html(r));
  } catch (...) {
    if (made) fs::remove_all(dir, ec);
    throw;
  }
}

int run_suite(const SuiteFlags& f) {
  const SuiteFile suite = read_suite_file(f.suite);
  std::vector<PreparedEvaluation> prepared;
  for (size_t i = 0; i < suite.evaluations.size(); ++i) prepared.push_back(prepare(suite, i, f.checkpoint));
  const std::string dir = output_dir_of(f, suite);
  check_outputs(dir, suite_inputs(f, suite, prepared));
  for (size_t i = 0; i < prepared.size(); ++i) {  // an unreadable checkpoint fails before any work
    try {
      io::read_checkpoint_meta(prepared[i].checkpoint);
    } catch (const InputError& e) {
      throw CheckpointError(suite.path, entry_label(i, suite.evaluations[i]) + e.path() + ": " + e.what());
    }
  }
  const Device device = cuda::usable_device(f.device, "--device");

  std::unique_ptr<CarbonScope> carbon = start_checkpoint_carbon(f.run, "eval", f.checkpoint);
  report::SuiteReport r;
  r.name = suite.name;
  r.suite_file = suite.path;
  for (size_t i = 0; i < prepared.size(); ++i) {
    const SuiteEntry& entry = suite.evaluations[i];
    const std::string label = entry_label(i, entry);
    domains::CommandResult result;
    try {
      result = prepared[i].run(domains::ModelRun{prepared[i].checkpoint, device});
    } catch (const InputError& e) {
      throw InputError(suite.path, label + (e.path().empty() ? "" : e.path() + ": ") + e.what());
    }
    std::cerr << "tessera: eval suite: the scores above are " << label << prepared[i].checkpoint << "\n" << std::flush;
    r.evaluations.push_back({entry.domain, prepared[i].checkpoint, entry.flags, eval::comparison_of(result, suite.path + ": " + label)});
  }
  r.runs = training_runs(f, prepared, r.notes);
  write_reports(dir, r);
  if (carbon) carbon->finish();
  print_result({{"suite", suite.name},
                {"evaluations", r.evaluations.size()},
                {"output_dir", dir},
                {"report", (fs::path(dir) / "suite.html").string()}});
  return 0;
}

}  // namespace

void add_eval_suite_command(CLI::App& app, Action& action) {
  CLI::App* suite = verb_group(app, "eval")->add_subcommand(
      "suite", "Run every domain evaluation a suite file names (configs/eval/) and write one report: suite.json, "
               "suite.md and suite.html (model vs baselines, training curves)");
  auto f = std::make_shared<SuiteFlags>();
  suite->add_option("--checkpoint", f->checkpoint, "Checkpoint the evaluations score (an entry's checkpoint: overrides it)")
      ->required();
  suite->add_option("--suite", f->suite, "Suite file: name, evaluations (domain, checkpoint, flags)")->required();
  suite->add_option("--output-dir", f->output_dir,
                    "Folder for suite.json, suite.md and suite.html (default: eval-suite-<name> beside the checkpoint)")
      ->check(domains::output_file());
  add_device_option(suite, f->device)->capture_default_str();
  add_checkpoint_run_flags(*suite, f->run);
  on_parsed(suite, action, f, run_suite);
}

}  // namespace tessera::cli
