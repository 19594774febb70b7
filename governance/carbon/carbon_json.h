#pragma once
// carbon.json: every run metered into a run directory (with its samples, so every report can be
// regenerated), and their totals.
#include <string>
#include <vector>

#include "governance/carbon/carbon_run.h"

namespace tessera::carbon {

std::string carbon_json(const std::vector<CarbonRun>& runs);
// The runs of a carbon.json; InputError naming `path` when it is missing or not one.
std::vector<CarbonRun> read_carbon_json(const std::string& path);

}  // namespace tessera::carbon
