#include "governance/report/svg_charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "governance/report/report_format.h"

namespace tessera::report {
namespace {

constexpr double kLabelWidth = 170, kPlotWidth = 320, kValueWidth = 90, kRow = 18;
const char* const kColours[] = {"#4a7fb5", "#d9822b", "#59a14f", "#b07aa1", "#e15759", "#76b7b2", "#9c755f", "#bab0ac"};

std::string px(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string shown(double v) {
  if (!std::isfinite(v)) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string text(double x, double y, const std::string& s, const std::string& attributes = "") {
  return "<text x=\"" + px(x) + "\" y=\"" + px(y) + "\" font-size=\"12\"" + attributes + ">" + html_escaped(s) +
         "</text>";
}

std::string svg_open(double width, double height, const std::string& label) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + px(width) + "\" height=\"" + px(height) +
         "\" role=\"img\" aria-label=\"" + html_escaped(label) + "\">";
}

}  // namespace

std::string comparison_chart_svg(const std::string& title, const std::vector<eval::MetricComparison>& comparison) {
  double height = 24;
  for (const auto& c : comparison) height += kRow * static_cast<double>(c.baselines.size() + 2) + 6;
  std::string svg = svg_open(kLabelWidth + kPlotWidth + kValueWidth, height, title + ": model and baselines");
  svg += text(0, 14, title, " font-size=\"13\" font-weight=\"bold\"");
  double y = 24;
  for (const auto& c : comparison) {
    svg += text(0, y + 13, c.metric + " (" + eval::better_name(c.better) + " is better)", " font-weight=\"bold\"");
    y += kRow;
    std::vector<std::pair<std::string, double>> systems = {{"model", c.model}};
    systems.insert(systems.end(), c.baselines.begin(), c.baselines.end());
    // The axis spans zero and every value, so signed metrics (R2) read too.
    double low = 0, high = 0;
    for (const auto& [name, v] : systems)
      if (std::isfinite(v)) low = std::min(low, v), high = std::max(high, v);
    if (high == low) high = low + 1;
    auto x = [&](double v) { return kLabelWidth + (v - low) / (high - low) * kPlotWidth; };
    for (size_t i = 0; i < systems.size(); ++i) {
      const auto& [name, v] = systems[i];
      svg += text(kLabelWidth - 6, y + 13, name, " text-anchor=\"end\"");
      if (std::isfinite(v)) {
        const double a = std::min(x(0), x(v)), b = std::max(x(0), x(v));
        svg += "<rect x=\"" + px(a) + "\" y=\"" + px(y + 3) + "\" width=\"" + px(std::max(b - a, 1.0)) +
               "\" height=\"13\" fill=\"" + (i == 0 ? "#4a7fb5" : "#b0b0b0") + "\"/>";
      }
      svg += text(kLabelWidth + kPlotWidth + 6, y + 13, shown(v));
      y += kRow;
    }
    svg += "<line x1=\"" + px(x(0)) + "\" y1=\"" + px(y - kRow * static_cast<double>(systems.size())) + "\" x2=\"" +
           px(x(0)) + "\" y2=\"" + px(y) + "\" stroke=\"#888\"/>";
    y += 6;
  }
  return svg + "</svg>";
}

std::string curves_chart_svg(const std::string& title, const std::vector<Curve>& curves) {
  constexpr double left = 70, top = 24, width = 480, plot_height = 220, legend_row = 16;
  const double height = top + plot_height + 30 + legend_row * static_cast<double>(curves.size());
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (const Curve& c : curves)
    for (const auto& [step, v] : c.points) {
      x0 = std::min(x0, step), x1 = std::max(x1, step);
      y0 = std::min(y0, v), y1 = std::max(y1, v);
    }
  if (!(x1 > x0)) x1 = x0 + 1;
  if (!(y1 > y0)) y1 = y0 + 1;
  auto x = [&](double step) { return left + (step - x0) / (x1 - x0) * width; };
  auto y = [&](double v) { return top + (1 - (v - y0) / (y1 - y0)) * plot_height; };
  std::string svg = svg_open(left + width + 20, height, title);
  svg += text(0, 14, title, " font-size=\"13\" font-weight=\"bold\"");
  svg += "<rect x=\"" + px(left) + "\" y=\"" + px(top) + "\" width=\"" + px(width) + "\" height=\"" + px(plot_height) +
         "\" fill=\"none\" stroke=\"#888\"/>";
  svg += text(left - 4, top + 10, shown(y1), " text-anchor=\"end\"");
  svg += text(left - 4, top + plot_height, shown(y0), " text-anchor=\"end\"");
  svg += text(left, top + plot_height + 14, "step " + shown(x0));
  svg += text(left + width, top + plot_height + 14, "step " + shown(x1), " text-anchor=\"end\"");
  for (size_t i = 0; i < curves.size(); ++i) {
    const std::string colour = kColours[i % (sizeof kColours / sizeof kColours[0])];
    std::string points;
    for (const auto& [step, v] : curves[i].points) points += px(x(step)) + "," + px(y(v)) + " ";
    // A curve logged once (an eval_loss of a short run) is a dot, not an invisible line.
    if (curves[i].points.size() == 1)
      svg += "<circle cx=\"" + px(x(curves[i].points[0].first)) + "\" cy=\"" + px(y(curves[i].points[0].second)) +
             "\" r=\"3\" fill=\"" + colour + "\"/>";
    else
      svg += "<polyline points=\"" + points + "\" fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"1.5\"/>";
    const double ly = top + plot_height + 30 + legend_row * static_cast<double>(i);
    svg += "<rect x=\"" + px(left) + "\" y=\"" + px(ly - 9) + "\" width=\"12\" height=\"3\" fill=\"" + colour + "\"/>";
    svg += text(left + 18, ly, curves[i].key);
  }
  return svg + "</svg>";
}

}  // namespace tessera::report
