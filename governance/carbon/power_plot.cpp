#include "governance/carbon/power_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>
#include <vector>

namespace tessera::carbon {
namespace {

constexpr double kWidth = 760, kHeight = 280, kLeft = 64, kRight = 16, kTop = 16, kBottom = 64;
constexpr size_t kMostSteps = 600;  // more samples are merged (energy-weighted) into this many

const std::map<std::string, std::string>& phase_colours() {
  static const std::map<std::string, std::string> colours = {
      {"train", "#dbe9f6"}, {"eval", "#fde2c8"}, {"predict", "#e4d7f0"}, {"checkpoint", "#f6d5d5"}, {"other", "#eeeeee"}};
  return colours;
}

struct Step {
  double t0, t1, cpu, gpu, ram;
  std::string phase;
  double total() const { return cpu + gpu + ram; }
};

// Interval steps from the samples, merged to at most kMostSteps (mean power kept exact: the
// merged step holds the energy of its parts).
std::vector<Step> steps_of(const CarbonRun& run) {
  std::vector<Step> steps;
  double t0 = 0;
  for (const auto& s : run.samples) {
    steps.push_back({t0, s.t_s, s.cpu_w, s.gpu_w, s.ram_w, s.phase});
    t0 = s.t_s;
  }
  if (steps.size() <= kMostSteps) return steps;
  const size_t group = (steps.size() + kMostSteps - 1) / kMostSteps;
  std::vector<Step> merged;
  for (size_t i = 0; i < steps.size(); i += group) {
    Step m{steps[i].t0, steps[i].t1, 0, 0, 0, steps[i].phase};
    for (size_t k = i; k < std::min(steps.size(), i + group); ++k) {
      const double dt = steps[k].t1 - steps[k].t0;
      m.cpu += steps[k].cpu * dt;
      m.gpu += steps[k].gpu * dt;
      m.ram += steps[k].ram * dt;
      m.t1 = steps[k].t1;
    }
    const double dt = std::max(1e-12, m.t1 - m.t0);
    m.cpu /= dt;
    m.gpu /= dt;
    m.ram /= dt;
    merged.push_back(m);
  }
  return merged;
}

// A round number at or above v: 1, 2 or 5 x 10^k (axis maxima and tick steps).
double nice_ceiling(double v) {
  if (!(v > 0)) return 1;
  const double base = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * base >= v) return m * base;
  return 10 * base;
}

std::string num(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", v);
  return text;
}

}  // namespace

std::string power_plot_svg(const CarbonRun& run) {
  const std::vector<Step> steps = steps_of(run);
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\"" << kHeight
      << "\" viewBox=\"0 0 " << kWidth << " " << kHeight << "\" font-family=\"sans-serif\" font-size=\"11\">";
  svg << "<rect x=\"0\" y=\"0\" width=\"" << kWidth << "\" height=\"" << kHeight << "\" fill=\"#ffffff\"/>";
  if (steps.empty()) {
    svg << "<text x=\"" << kWidth / 2 << "\" y=\"" << kHeight / 2 << "\" text-anchor=\"middle\">run too short for a power sample</text></svg>";
    return svg.str();
  }
  const double t_max = std::max(steps.back().t1, 1e-3);
  double p_max = 0;
  for (const auto& s : steps) p_max = std::max(p_max, s.total());
  p_max = nice_ceiling(p_max * 1.05);
  const double pw = kWidth - kLeft - kRight, ph = kHeight - kTop - kBottom;
  auto x = [&](double t) { return kLeft + pw * t / t_max; };
  auto y = [&](double w) { return kTop + ph * (1 - w / p_max); };

  // One band per run of steps in the same phase (adjacent thin rectangles would show seams).
  for (size_t i = 0; i < steps.size();) {
    size_t end = i;
    while (end + 1 < steps.size() && steps[end + 1].phase == steps[i].phase) ++end;
    auto colour = phase_colours().find(steps[i].phase);
    svg << "<rect x=\"" << num(x(steps[i].t0)) << "\" y=\"" << kTop << "\" width=\""
        << num(std::max(0.0, x(steps[end].t1) - x(steps[i].t0))) << "\" height=\"" << ph << "\" fill=\""
        << (colour == phase_colours().end() ? "#eeeeee" : colour->second) << "\"/>";
    i = end + 1;
  }
  for (int i = 0; i <= 5; ++i) {
    const double w = p_max * i / 5;
    svg << "<line x1=\"" << kLeft << "\" x2=\"" << kLeft + pw << "\" y1=\"" << num(y(w)) << "\" y2=\"" << num(y(w))
        << "\" stroke=\"#cccccc\" stroke-width=\"0.5\"/>";
    svg << "<text x=\"" << kLeft - 6 << "\" y=\"" << num(y(w) + 4) << "\" text-anchor=\"end\">" << num(w) << "</text>";
  }
  const double t_step = nice_ceiling(t_max / 6);
  for (double t = 0; t <= t_max * (1 + 1e-9); t += t_step)
    svg << "<text x=\"" << num(x(t)) << "\" y=\"" << kTop + ph + 16 << "\" text-anchor=\"middle\">" << num(t) << "</text>";
  svg << "<rect x=\"" << kLeft << "\" y=\"" << kTop << "\" width=\"" << pw << "\" height=\"" << ph
      << "\" fill=\"none\" stroke=\"#333333\"/>";
  svg << "<text x=\"" << kLeft + pw / 2 << "\" y=\"" << kTop + ph + 32 << "\" text-anchor=\"middle\">time since start (s)</text>";
  svg << "<text x=\"14\" y=\"" << kTop + ph / 2 << "\" text-anchor=\"middle\" transform=\"rotate(-90 14 " << kTop + ph / 2
      << ")\">power (W)</text>";

  struct Series {
    const char* name;
    const char* colour;
    double (*watts)(const Step&);
  };
  const Series series[] = {{"CPU", "#1f77b4", [](const Step& s) { return s.cpu; }},
                           {"GPU", "#d62728", [](const Step& s) { return s.gpu; }},
                           {"RAM", "#2ca02c", [](const Step& s) { return s.ram; }},
                           {"total", "#222222", [](const Step& s) { return s.total(); }}};
  double legend_x = kLeft;
  for (const auto& line : series) {
    std::ostringstream points;
    for (const auto& s : steps) points << num(x(s.t0)) << "," << num(y(line.watts(s))) << " " << num(x(s.t1)) << ","
                                       << num(y(line.watts(s))) << " ";
    svg << "<polyline fill=\"none\" stroke=\"" << line.colour << "\" stroke-width=\"1.5\" points=\"" << points.str() << "\"/>";
    svg << "<line x1=\"" << legend_x << "\" x2=\"" << legend_x + 18 << "\" y1=\"" << kHeight - 10 << "\" y2=\"" << kHeight - 10
        << "\" stroke=\"" << line.colour << "\" stroke-width=\"2\"/><text x=\"" << legend_x + 22 << "\" y=\"" << kHeight - 6
        << "\">" << line.name << "</text>";
    legend_x += 70;
  }
  for (const auto& [phase, colour] : phase_colours()) {
    svg << "<rect x=\"" << legend_x << "\" y=\"" << kHeight - 16 << "\" width=\"12\" height=\"12\" fill=\"" << colour
        << "\" stroke=\"#999999\"/><text x=\"" << legend_x + 16 << "\" y=\"" << kHeight - 6 << "\">" << phase << "</text>";
    legend_x += 80;
  }
  svg << "</svg>";
  return svg.str();
}

}  // namespace tessera::carbon
