#include "governance/report/suite_report.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "governance/report/report_format.h"
#include "governance/report/svg_charts.h"

namespace tessera::report {
namespace {

std::string shown(double v) {
  if (!std::isfinite(v)) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

// Whether the model is better than every baseline with a value; "n/a" without a model value.
std::string model_best(const eval::MetricComparison& c) {
  if (!std::isfinite(c.model)) return "n/a";
  for (const auto& [name, v] : c.baselines)
    if (std::isfinite(v) && (c.better == eval::Better::lower ? v <= c.model : v >= c.model)) return "no";
  return "yes";
}

std::string title_of(const SuiteEvaluation& e, size_t i) { return "evaluations[" + std::to_string(i) + "] " + e.domain; }

std::string flags_text(const SuiteEvaluation& e) {
  std::string out;
  for (const auto& [key, values] : e.flags) {
    out += (out.empty() ? "--" : " --") + key;
    for (const auto& v : values) out += " " + v;
  }
  return out;
}

// Columns: the metric, which way is better, the model, every baseline the evaluation reports.
Table comparison_table(const SuiteEvaluation& e) {
  Table t;
  t.header = {"metric", "better", "model"};
  if (!e.comparison.empty())
    for (const auto& [name, v] : e.comparison.front().baselines) t.header.push_back(name);
  t.header.push_back("model beats every baseline");
  for (const auto& c : e.comparison) {
    std::vector<std::string> row = {c.metric, eval::better_name(c.better), shown(c.model)};
    for (const auto& [name, v] : c.baselines) row.push_back(shown(v));
    row.resize(t.header.size() - 1);
    row.push_back(model_best(c));
    t.rows.push_back(std::move(row));
  }
  return t;
}

Table curves_table(const SuiteRun& run) {
  Table t;
  t.header = {"key", "points", "first step", "first", "last step", "last"};
  for (const Curve& c : run.curves)
    t.rows.push_back({c.key, std::to_string(c.points.size()), shown(c.points.front().first), shown(c.points.front().second),
                      shown(c.points.back().first), shown(c.points.back().second)});
  return t;
}

bool is_loss(const Curve& c) { return c.key.size() >= 4 && c.key.compare(c.key.size() - 4, 4, "loss") == 0; }

// Losses share a chart (same units); every other key (lr, grad_norm, throughput ...) has its own.
std::string curves_charts(const SuiteRun& run) {
  std::vector<Curve> losses;
  std::string charts;
  for (const Curve& c : run.curves)
    if (is_loss(c)) losses.push_back(c);
  if (!losses.empty()) charts += curves_chart_svg("losses: " + run.run_dir, losses);
  for (const Curve& c : run.curves)
    if (!is_loss(c)) charts += curves_chart_svg(c.key + ": " + run.run_dir, {c});
  return charts;
}

}  // namespace

std::string suite_json(const SuiteReport& r) {
  nlohmann::ordered_json evaluations = nlohmann::ordered_json::array();
  for (const SuiteEvaluation& e : r.evaluations) {
    nlohmann::ordered_json flags = nlohmann::ordered_json::object();
    for (const auto& [key, values] : e.flags) flags[key] = values;
    evaluations.push_back({{"domain", e.domain},
                           {"checkpoint", e.checkpoint},
                           {"flags", flags},
                           {eval::kComparisonKey, eval::comparison_json(e.comparison)}});
  }
  nlohmann::ordered_json runs = nlohmann::ordered_json::array();
  for (const SuiteRun& run : r.runs) {
    nlohmann::ordered_json curves = nlohmann::ordered_json::array();
    for (const Curve& c : run.curves) curves.push_back({{"key", c.key}, {"points", c.points}});
    runs.push_back({{"run_dir", run.run_dir}, {"curves", curves}});
  }
  const nlohmann::ordered_json j = {{"suite", r.name},          {"suite_file", r.suite_file}, {"evaluations", evaluations},
                                    {"training", runs},         {"notes", r.notes}};
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string suite_markdown(const SuiteReport& r) {
  std::string md = "# Evaluation suite: " + r.name + "\n\nFrom `" + r.suite_file + "`.\n";
  for (size_t i = 0; i < r.evaluations.size(); ++i) {
    const SuiteEvaluation& e = r.evaluations[i];
    md += "\n## " + title_of(e, i) + "\n\nCheckpoint `" + e.checkpoint + "`, flags `" + flags_text(e) + "`.\n\n";
    md += markdown_table(comparison_table(e));
  }
  md += "\n## Training curves\n";
  for (const SuiteRun& run : r.runs)
    if (!run.curves.empty()) md += "\n`" + run.run_dir + "/metrics.jsonl`:\n\n" + markdown_table(curves_table(run));
  if (!r.notes.empty()) {
    md += "\n## Notes\n\n";
    for (const std::string& note : r.notes) md += "- " + note + "\n";
  }
  return md;
}

std::string suite_html(const SuiteReport& r) {
  const std::string title = "Evaluation suite: " + r.name;
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + html_escaped(title) +
                     "</title>\n<style>body{font-family:sans-serif;margin:24px;color:#222;max-width:1200px}"
                     "table{border-collapse:collapse;margin:8px 0 16px}th,td{border:1px solid #bbb;padding:3px 8px;"
                     "text-align:left}th{background:#f0f0f0}.yes{background:#c8ecc8}.no{background:#f4b0b0}"
                     "svg{margin:6px 24px 12px 0}code{background:#f4f4f4}</style></head><body>\n";
  html += "<h1>" + html_escaped(title) + "</h1>\n<p>From <code>" + html_escaped(r.suite_file) + "</code>.</p>\n";
  auto verdict_class = [](const std::string& cell) { return cell == "yes" || cell == "no" ? cell : std::string(); };
  for (size_t i = 0; i < r.evaluations.size(); ++i) {
    const SuiteEvaluation& e = r.evaluations[i];
    html += "<h2>" + html_escaped(title_of(e, i)) + "</h2>\n<p>Checkpoint <code>" + html_escaped(e.checkpoint) +
            "</code>, flags <code>" + html_escaped(flags_text(e)) + "</code>.</p>\n";
    html += html_table(comparison_table(e), verdict_class);
    html += "<div>" + comparison_chart_svg(title_of(e, i), e.comparison) + "</div>\n";
  }
  html += "<h2>Training curves</h2>\n";
  for (const SuiteRun& run : r.runs)
    if (!run.curves.empty())
      html += "<h3><code>" + html_escaped(run.run_dir) + "/metrics.jsonl</code></h3>\n<div>" + curves_charts(run) +
              "</div>\n" + html_table(curves_table(run));
  if (!r.notes.empty()) {
    html += "<h2>Notes</h2>\n<ul>";
    for (const std::string& note : r.notes) html += "<li>" + html_escaped(note) + "</li>";
    html += "</ul>\n";
  }
  return html + "</body></html>\n";
}

}  // namespace tessera::report
