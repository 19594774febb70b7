#pragma once
// The charts of the eval suite's page as inline SVG (no script, no external resource): a model
// beside its baselines per metric, and training curves over steps.
#include <string>
#include <vector>

#include "eval/baseline_comparison.h"
#include "governance/report/metrics_log.h"

namespace tessera::report {

// One block per metric, titled with which way is better: a bar for the model and one per
// baseline, each metric on its own axis (metrics differ in units); a missing value is written
// as such, without a bar.
std::string comparison_chart_svg(const std::string& title, const std::vector<eval::MetricComparison>& comparison);

// The curves as lines over the step on one shared axis, with a legend.
std::string curves_chart_svg(const std::string& title, const std::vector<Curve>& curves);

}  // namespace tessera::report
