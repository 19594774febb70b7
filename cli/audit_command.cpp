// `tessera audit bias`: a bias audit of a table of predictions (any model, any CSV), or of a
// checkpoint on its domain's data through the domain's bias audit (configs/audit/<domain>.yaml).
// Both end in governance/bias: per-group metrics with intervals, comparisons, verdict, reports.
#include <algorithm>
#include <memory>

#include "cli/carbon_options.h"
#include "cli/commands.h"
#include "core/config/config.h"
#include "core/cuda/runtime.h"
#include "core/io/checkpoint.h"
#include "core/util/error.h"
#include "domains/plugin/domain_registry.h"
#include "governance/bias/audit_report.h"
#include "governance/bias/prediction_table.h"

namespace tessera::cli {
namespace {

struct AuditFlags {
  std::string predictions, target, prediction, groups, task = "classification";
  std::vector<std::string> intersections, overrides;
  double threshold = 0;
  bool has_threshold = false;
  std::string checkpoint, device = "cpu", config, output_dir;
  CheckpointRunFlags run;
};

std::vector<std::string> split_list(const std::string& list, const std::string& flag) {
  std::vector<std::string> out(1);
  for (char c : list) {
    if (c == ',') out.emplace_back();
    else out.back() += c;
  }
  for (const auto& name : out)
    if (name.empty()) throw InputError(flag, "has an empty column name in '" + list + "'");
  return out;
}

// The `audit:` settings of --config, or the defaults; the rest of the file is the caller's.
bias::AuditSettings settings_of(config::Section& root) { return bias::read_audit_settings(root.section("audit")); }

nlohmann::ordered_json summary(const bias::AuditReport& report, const std::string& dir) {
  const bias::AuditResult& r = report.result;
  int fails = 0, warns = 0;
  for (const auto& c : r.comparisons) {
    fails += c.verdict == "fail";
    warns += c.verdict == "warn";
  }
  return {{"verdict", r.verdict}, {"units", r.units},          {"groups", r.groups.size()}, {"fail", fails},
          {"warn", warns},        {"report", dir + "/audit.html"}};
}

int audit_table(const AuditFlags& f) {
  bias::PredictionColumns c;
  c.file = f.predictions;
  c.target = f.target;
  c.prediction = f.prediction;
  c.groups = split_list(f.groups, "--groups");
  c.kind = f.task == "regression" ? eval::OutcomeKind::regression : eval::OutcomeKind::classification;
  c.has_threshold = f.has_threshold;
  c.threshold = f.threshold;
  if (c.has_threshold && c.kind == eval::OutcomeKind::regression)
    throw InputError("--threshold", "makes scores decisions; it has no meaning with --task regression");
  std::vector<std::string> inputs = {f.predictions};
  if (!f.config.empty()) inputs.push_back(f.config);
  bias::check_audit_output_dir(f.output_dir, inputs);
  if (f.config.empty() && !f.overrides.empty()) throw InputError("--set", "needs --config (the file it overrides)");
  config::ConfigFile file =
      f.config.empty() ? config::ConfigFile::parse("{}", "defaults") : config::ConfigFile::load(f.config, f.overrides);
  config::Section root = file.root();
  bias::AuditSettings settings = settings_of(root);
  root.finish();
  for (const auto& i : f.intersections) settings.intersections.push_back(i);

  const bias::PredictionTable table = bias::read_prediction_table(c);
  bias::AuditReport report;
  report.title = "Bias audit of " + f.predictions;
  report.source = {{"predictions", f.predictions}, {"target", f.target},       {"prediction", f.prediction},
                   {"groups", c.groups},          {"task", f.task},           {"rows", table.rows},
                   {"rows_skipped", table.rows_skipped}};
  if (c.has_threshold) report.source["threshold"] = c.threshold;
  if (!f.config.empty()) report.source["config"] = f.config;
  if (table.rows_skipped > 0)
    report.notes.push_back(std::to_string(table.rows_skipped) + " of " + std::to_string(table.rows) +
                           " rows were skipped for a missing target, prediction or group value.");
  report.result = bias::run_audit(table.outcomes, settings);
  bias::write_audit_reports(f.output_dir, report);
  print_result(summary(report, f.output_dir));
  return 0;
}

int audit_checkpoint(const AuditFlags& f) {
  if (f.config.empty()) throw InputError("--config", "is required with --checkpoint (configs/audit/<domain>.yaml)");
  const std::vector<std::string> held = domains::checkpoint_domains(io::read_checkpoint_meta(f.checkpoint), f.checkpoint);
  bias::check_audit_output_dir(f.output_dir, {f.checkpoint, f.config});
  config::ConfigFile file = config::ConfigFile::load(f.config, f.overrides);
  config::Section root = file.root();
  // A multi-domain checkpoint holds several models: the config's `domain` says which is audited.
  const std::string domain_name = root.text("domain", held.size() == 1 ? held.front() : "");
  if (std::find(held.begin(), held.end(), domain_name) == held.end()) {
    std::string models;
    for (const std::string& d : held) models += (models.empty() ? "" : ", ") + d;
    root.fail("domain", "is '" + domain_name + "', but " + f.checkpoint + " holds " +
                            (held.size() == 1 ? "a " + models + " model" : models + " models"));
  }
  const domains::Domain* domain = nullptr;
  for (const auto& d : domains::registered_domains())
    if (d.name == domain_name) domain = &d;
  if (!domain || !domain->bias_audit)
    throw InputError(f.checkpoint, "the " + domain_name + " domain has no bias audit (yet)");
  const bias::AuditSettings settings = settings_of(root);
  config::Section data = root.section("data");
  root.finish();

  const domains::ModelRun model{f.checkpoint, cuda::usable_device(f.device, "--device")};
  std::unique_ptr<CarbonScope> carbon = start_checkpoint_carbon(f.run, "audit", f.checkpoint, "eval");
  domains::BiasAuditData scored = domain->bias_audit(model, data);
  bias::AuditReport report;
  report.title = scored.title;
  report.source = {{"checkpoint", f.checkpoint}, {"config", f.config}, {"domain", domain_name}};
  for (const auto& [key, value] : scored.source.items()) report.source[key] = value;
  report.notes = scored.notes;
  report.result = bias::run_audit(scored.outcomes, settings);
  bias::write_audit_reports(f.output_dir, report);
  if (carbon) carbon->finish();
  print_result(summary(report, f.output_dir));
  return 0;
}

}  // namespace

void add_audit_command(CLI::App& app, Action& action) {
  CLI::App* audit = app.add_subcommand("audit", "Audits of a model's behaviour");
  audit->require_subcommand(1);
  auto f = std::make_shared<AuditFlags>();
  CLI::App* bias = audit->add_subcommand(
      "bias", "Per-group metrics with bootstrap intervals, comparisons and a verdict (audit.json/.md/.html): of a CSV of "
              "predictions, or of a checkpoint on its domain's data");
  auto* predictions = bias->add_option("--predictions", f->predictions, "CSV file of predictions, one row per example");
  auto* checkpoint = bias->add_option("--checkpoint", f->checkpoint, "Checkpoint to audit on its domain's data (.h5)");
  predictions->excludes(checkpoint);
  bias->add_option("--target", f->target, "Column of the true values (0/1 for classification)")->needs(predictions);
  bias->add_option("--prediction", f->prediction, "Column of the predictions (0/1 decisions, or scores with --threshold)")
      ->needs(predictions);
  bias->add_option("--groups", f->groups, "Comma-separated columns of group attributes, e.g. sex,race")
      ->needs(predictions);
  bias->add_option("--intersections", f->intersections,
                   "Attributes audited jointly, e.g. sex,race (repeatable; adds to the config's)")
      ->needs(predictions);
  bias->add_option("--threshold", f->threshold, "Scores at or above it are positive decisions")
      ->needs(predictions)
      ->check(domains::finite_number());
  bias->add_option("--task", f->task, "classification or regression")
      ->check(CLI::IsMember({"classification", "regression"}))
      ->needs(predictions)
      ->capture_default_str();
  bias->add_option("--config", f->config, "Audit config: the audit: section (thresholds, bootstrap ...) and, with "
                                          "--checkpoint, the domain's data: section (configs/audit/)");
  bias->add_option("--set", f->overrides, "Override a --config value: --set audit.bootstrap=200 (repeatable)");
  bias->add_option("--output-dir", f->output_dir, "Folder for audit.json, audit.md and audit.html")
      ->required()
      ->check(domains::output_file());
  add_device_option(bias, f->device)->needs(checkpoint)->capture_default_str();
  add_checkpoint_run_flags(*bias, f->run);
  bias->parse_complete_callback([predictions, checkpoint, bias, f] {
    if (predictions->count() == 0 && checkpoint->count() == 0) throw CLI::RequiredError("--predictions or --checkpoint");
    if (predictions->count() > 0)
      for (const char* flag : {"--target", "--prediction", "--groups"})
        if (bias->get_option(flag)->count() == 0) throw CLI::RequiredError(std::string(flag) + " (with --predictions)");
    f->has_threshold = bias->get_option("--threshold")->count() > 0;
  });
  on_parsed(bias, action, f, [](const AuditFlags& flags) {
    return flags.predictions.empty() ? audit_checkpoint(flags) : audit_table(flags);
  });
}

}  // namespace tessera::cli
