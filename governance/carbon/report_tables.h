#pragma once
// The content of the human-readable reports, independent of their format: carbon_markdown and
// carbon_html lay out the same tables and statements.
#include <string>
#include <vector>

#include "governance/carbon/carbon_run.h"
#include "governance/report/report_format.h"

namespace tessera::carbon {

using ReportTable = report::Table;

// One row per run and, for several runs, a total row.
ReportTable runs_table(const std::vector<CarbonRun>& runs);
// Energy and emissions per phase, summed over the runs.
ReportTable phases_table(const std::vector<CarbonRun>& runs);
// How each energy was obtained: one row per run and component (method and what was found).
ReportTable methods_table(const std::vector<CarbonRun>& runs);
// How the energy was measured and the carbon formula with its inputs, each distinct sentence once.
std::vector<std::string> carbon_statements(const std::vector<CarbonRun>& runs);

// Energy with a unit that keeps it readable: J, Wh or kWh.
std::string energy_text(double joules);
// Seconds, with one decimal: "15.7 s".
std::string duration_text(double seconds);
// Mass of CO2eq: mg, g or kg.
std::string mass_text(double kg);

}  // namespace tessera::carbon
