#pragma once
// The reports of a run directory, each written atomically: emissions.csv (CodeCarbon's columns),
// carbon.json (everything, samples included), carbon.md and carbon.html (self-contained, with
// the power plot inline).
#include <string>
#include <vector>

#include "governance/carbon/carbon_run.h"

namespace tessera::carbon {

std::string carbon_markdown(const std::vector<CarbonRun>& runs);
std::string carbon_html(const std::vector<CarbonRun>& runs);

// Writes all four reports of `runs` into `dir` (created if needed).
void write_carbon_reports(const std::string& dir, const std::vector<CarbonRun>& runs);

// What record_carbon_run will need at the end of a run, checked before the run does any work: the
// folder's carbon.json (if any) reads, and no report path is taken by a non-regular file.
void check_carbon_reports(const std::string& dir);

// Adds `run` to the runs already reported in `dir` (a run with the same id is replaced) and
// rewrites the reports: a run directory's reports cover every command metered into it.
void record_carbon_run(const std::string& dir, const CarbonRun& run);

}  // namespace tessera::carbon
