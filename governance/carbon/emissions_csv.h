#pragma once
// emissions.csv: one row per run, with CodeCarbon's columns (2.x, in its order and units: kWh,
// kg CO2eq, W, seconds) so tools that read CodeCarbon's file read this one; columns that do not
// apply (python_version, codecarbon_version, longitude, ...) stay empty. Tessera's own columns
// follow: tool, command, the method behind each energy, carbon_intensity (gCO2eq/kWh).
#include <string>
#include <vector>

#include "governance/carbon/carbon_run.h"

namespace tessera::carbon {

const std::vector<std::string>& emissions_csv_columns();
std::string emissions_csv(const std::vector<CarbonRun>& runs);

}  // namespace tessera::carbon
