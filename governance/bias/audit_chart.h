#pragma once
// A horizontal bar chart of one metric over the groups of one attribute, with the bootstrap
// interval of each as a whisker: inline SVG, no script, no external resource.
#include <string>
#include <vector>

#include "governance/bias/bias_audit.h"

namespace tessera::bias {

std::string metric_chart_svg(const std::string& metric, size_t metric_index, const std::vector<const GroupResult*>& groups);

}  // namespace tessera::bias
