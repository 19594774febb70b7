#include "governance/bias/audit_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "governance/bias/audit_report.h"
#include "governance/report/report_format.h"

namespace tessera::bias {
namespace {

constexpr double kLabelWidth = 190, kPlotWidth = 360, kValueWidth = 90, kRow = 20, kTop = 22;

std::string px(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace

std::string metric_chart_svg(const std::string& metric, size_t m, const std::vector<const GroupResult*>& groups) {
  // The axis spans zero and every value and interval end, so signed metrics (bias) read too.
  double low = 0, high = 0;
  for (const GroupResult* g : groups)
    for (double v : {g->values[m], g->intervals[m].first, g->intervals[m].second})
      if (std::isfinite(v)) {
        low = std::min(low, v);
        high = std::max(high, v);
      }
  if (high == low) high = low + 1;
  auto x = [&](double v) { return kLabelWidth + (v - low) / (high - low) * kPlotWidth; };
  const double height = kTop + kRow * static_cast<double>(groups.size()) + 8;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + px(kLabelWidth + kPlotWidth + kValueWidth) +
                    "\" height=\"" + px(height) + "\" role=\"img\" aria-label=\"" + report::html_escaped(metric) +
                    " per group\">";
  svg += "<text x=\"0\" y=\"14\" font-size=\"13\" font-weight=\"bold\">" + report::html_escaped(metric) + "</text>";
  svg += "<line x1=\"" + px(x(0)) + "\" y1=\"" + px(kTop - 4) + "\" x2=\"" + px(x(0)) + "\" y2=\"" + px(height - 4) +
         "\" stroke=\"#888\"/>";
  for (size_t i = 0; i < groups.size(); ++i) {
    const GroupResult& g = *groups[i];
    const double y = kTop + kRow * static_cast<double>(i), v = g.values[m];
    svg += "<text x=\"" + px(kLabelWidth - 6) + "\" y=\"" + px(y + 13) + "\" font-size=\"12\" text-anchor=\"end\">" +
           report::html_escaped(g.group) + "</text>";
    if (std::isfinite(v)) {
      const double a = std::min(x(0), x(v)), b = std::max(x(0), x(v));
      // Groups too small to be judged are drawn pale.
      svg += "<rect x=\"" + px(a) + "\" y=\"" + px(y + 3) + "\" width=\"" + px(std::max(b - a, 1.0)) +
             "\" height=\"14\" fill=\"" + (g.judged ? "#4a7fb5" : "#b9cde3") + "\"/>";
    }
    const auto [lo, hi] = g.intervals[m];
    if (std::isfinite(lo) && std::isfinite(hi)) {
      const std::string yc = px(y + 10);
      svg += "<path d=\"M" + px(x(lo)) + " " + yc + "H" + px(x(hi)) + "M" + px(x(lo)) + " " + px(y + 5) + "V" +
             px(y + 15) + "M" + px(x(hi)) + " " + px(y + 5) + "V" + px(y + 15) + "\" stroke=\"#222\" fill=\"none\"/>";
    }
    svg += "<text x=\"" + px(kLabelWidth + kPlotWidth + 6) + "\" y=\"" + px(y + 13) + "\" font-size=\"12\">" +
           report::html_escaped(value_text(v)) + "</text>";
  }
  return svg + "</svg>";
}

}  // namespace tessera::bias
