#pragma once
// The results of `tessera eval suite`: every evaluation's model-versus-baselines comparison and the
// training curves of the runs the checkpoints came from, as suite.json, suite.md and a
// self-contained suite.html (inline SVG, no script, no external resource).
#include <string>
#include <utility>
#include <vector>

#include "eval/baseline_comparison.h"
#include "governance/report/metrics_log.h"

namespace tessera::report {

struct SuiteEvaluation {
  std::string domain, checkpoint;
  std::vector<std::pair<std::string, std::vector<std::string>>> flags;  // as the suite file gave them
  std::vector<eval::MetricComparison> comparison;
};

// A training run directory and the curves of its metrics.jsonl (none when it has no metrics).
struct SuiteRun {
  std::string run_dir;
  std::vector<Curve> curves;
};

struct SuiteReport {
  std::string name, suite_file;
  std::vector<SuiteEvaluation> evaluations;
  std::vector<SuiteRun> runs;
  std::vector<std::string> notes;
};

std::string suite_json(const SuiteReport& report);
std::string suite_markdown(const SuiteReport& report);
std::string suite_html(const SuiteReport& report);

}  // namespace tessera::report
