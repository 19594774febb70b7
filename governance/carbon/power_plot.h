#pragma once
// The power-over-time plot of a run as inline SVG (no script, no external resource): CPU, GPU,
// RAM and total power as steps over the sampling intervals, phases shaded behind them.
#include <string>

#include "governance/carbon/carbon_run.h"

namespace tessera::carbon {

std::string power_plot_svg(const CarbonRun& run);

}  // namespace tessera::carbon
