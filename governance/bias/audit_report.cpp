#include "governance/bias/audit_report.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "core/io/atomic_file.h"
#include "core/io/output_path.h"
#include "core/util/error.h"
#include "governance/bias/audit_chart.h"
#include "governance/report/report_format.h"

namespace tessera::bias {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

const char* kReportFiles[] = {"audit.json", "audit.md", "audit.html"};

Json number(double v) { return std::isfinite(v) ? Json(v) : Json(); }

Json settings_json(const AuditSettings& s) {
  Json thresholds = Json::object();
  for (const auto& [name, t] : s.thresholds) thresholds[name] = {{"warn", t.warn}, {"fail", t.fail}};
  Json references = Json::object();
  for (const auto& [attribute, group] : s.reference_groups) references[attribute] = group;
  return {{"bootstrap", s.bootstrap},
          {"seed", s.seed},
          {"confidence", s.confidence},
          {"min_group_size", s.min_group_size},
          {"reference", s.reference},
          {"reference_groups", references},
          {"intersections", s.intersections},
          {"disparate_impact", {s.disparate_impact_low, s.disparate_impact_high}},
          {"thresholds", thresholds}};
}

std::string interval_text(const Interval& i) {
  if (!std::isfinite(i.first)) return "";
  return " [" + value_text(i.first) + ", " + value_text(i.second) + "]";
}

// The audited attributes in report order, each with its groups.
std::vector<std::pair<std::string, std::vector<const GroupResult*>>> by_attribute(const AuditResult& r) {
  std::vector<std::pair<std::string, std::vector<const GroupResult*>>> out;
  for (const GroupResult& g : r.groups) {
    if (out.empty() || out.back().first != g.attribute) out.push_back({g.attribute, {}});
    out.back().second.push_back(&g);
  }
  return out;
}

report::Table groups_table(const AuditResult& r, const std::vector<const GroupResult*>& groups) {
  report::Table t;
  t.header = {"group", "n", "units", "judged"};
  for (const auto& m : eval::metric_names(r.kind)) t.header.push_back(m);
  for (const GroupResult* g : groups) {
    std::vector<std::string> row = {g->group, std::to_string(g->n), std::to_string(g->units), g->judged ? "yes" : "no (too small)"};
    for (size_t m = 0; m < g->values.size(); ++m) row.push_back(value_text(g->values[m]) + interval_text(g->intervals[m]));
    t.rows.push_back(row);
  }
  return t;
}

report::Table comparisons_table(const AuditResult& r) {
  report::Table t;
  t.header = {"attribute", "metric", "group", "reference", "value", "reference value", "difference", "ratio", "verdict", "rule"};
  for (const Comparison& c : r.comparisons) {
    // Attribute-wide summaries have no reference: those cells stay empty.
    const bool summary = c.group.empty();
    t.rows.push_back({c.attribute, c.metric, summary ? "(all)" : c.group, c.reference, value_text(c.value),
                      summary ? "" : value_text(c.reference_value), summary ? "" : value_text(c.difference),
                      summary ? "" : value_text(c.ratio), c.verdict, c.rule});
  }
  return t;
}

std::string headline(const AuditResult& r) {
  int counts[3] = {0, 0, 0};
  for (const Comparison& c : r.comparisons) {
    if (c.verdict == "pass") ++counts[0];
    if (c.verdict == "warn") ++counts[1];
    if (c.verdict == "fail") ++counts[2];
  }
  return "Verdict: " + r.verdict + " (" + std::to_string(counts[0]) + " pass, " + std::to_string(counts[1]) +
         " warn, " + std::to_string(counts[2]) + " fail; " + eval::kind_name(r.kind) + " audit of " +
         std::to_string(r.units) + " units).";
}

std::string method_text(const AuditResult& r) {
  const AuditSettings& s = r.settings;
  std::ostringstream out;
  out << "Intervals: " << s.confidence * 100 << " % percentile bootstrap, " << s.bootstrap
      << " replicates of each group's units, seed " << s.seed << ". Groups with fewer than " << s.min_group_size
      << " units are reported but never judged. Reference: ";
  if (r.kind == eval::OutcomeKind::pairs) out << "0.5, no preference within a pair.";
  else out << (s.reference_groups.empty() ? s.reference : s.reference + " (named per attribute where set)") << " group.";
  return out.str();
}

std::string source_text(const Json& source) {
  std::string out;
  for (const auto& [key, value] : source.items())
    out += "- " + key + ": " + (value.is_string() ? value.get<std::string>() : value.dump()) + "\n";
  return out;
}

}  // namespace

std::string value_text(double v) {
  if (!std::isfinite(v)) return std::isnan(v) ? "undefined" : (v > 0 ? "inf" : "-inf");
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

Json audit_json(const AuditReport& report) {
  const AuditResult& r = report.result;
  Json groups = Json::array();
  for (const GroupResult& g : r.groups) {
    Json metrics = Json::object(), intervals = Json::object();
    const auto& names = eval::metric_names(r.kind);
    for (size_t m = 0; m < names.size(); ++m) {
      metrics[names[m]] = number(g.values[m]);
      intervals[names[m]] = std::isfinite(g.intervals[m].first)
                                ? Json::array({g.intervals[m].first, g.intervals[m].second})
                                : Json();
    }
    groups.push_back({{"attribute", g.attribute},
                      {"group", g.group},
                      {"n", g.n},
                      {"units", g.units},
                      {"judged", g.judged},
                      {"metrics", metrics},
                      {"intervals", intervals}});
  }
  Json comparisons = Json::array();
  for (const Comparison& c : r.comparisons)
    comparisons.push_back({{"attribute", c.attribute},
                           {"metric", c.metric},
                           {"group", c.group.empty() ? Json() : Json(c.group)},
                           {"reference", c.reference.empty() ? Json() : Json(c.reference)},
                           {"value", number(c.value)},
                           {"reference_value", number(c.reference_value)},
                           {"difference", number(c.difference)},
                           {"ratio", number(c.ratio)},
                           {"verdict", c.verdict},
                           {"rule", c.rule}});
  return {{"title", report.title},  {"kind", eval::kind_name(r.kind)}, {"verdict", r.verdict},
          {"source", report.source}, {"settings", settings_json(r.settings)}, {"units", r.units},
          {"groups", groups},        {"comparisons", comparisons},      {"notes", report.notes},
          {"audit_notes", r.notes}};
}

std::string audit_markdown(const AuditReport& report) {
  const AuditResult& r = report.result;
  std::ostringstream md;
  md << "# " << report.title << "\n\n**" << headline(r) << "**\n\n" << source_text(report.source) << "\n";
  for (const auto& n : report.notes) md << n << "\n\n";
  md << method_text(r) << "\n\n";
  for (const auto& [attribute, groups] : by_attribute(r))
    md << "## Groups by " << attribute << "\n\nValues with their intervals in brackets.\n\n"
       << report::markdown_table(groups_table(r, groups)) << "\n";
  md << "## Comparisons\n\n";
  if (r.comparisons.empty()) md << "None.\n";
  else md << report::markdown_table(comparisons_table(r));
  for (const auto& n : r.notes) md << "\n" << n << "\n";
  return md.str();
}

std::string audit_html(const AuditReport& report) {
  const AuditResult& r = report.result;
  const auto verdict_class = [](const std::string& cell) {
    return cell == "pass" || cell == "warn" || cell == "fail" ? "v-" + cell : std::string();
  };
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" << report::html_escaped(report.title)
       << "</title>\n<style>body{font-family:sans-serif;margin:24px;color:#222;max-width:1200px}"
          "table{border-collapse:collapse;margin:8px 0 16px}th,td{border:1px solid #bbb;padding:3px 8px;text-align:left}"
          "th{background:#f0f0f0}.headline{font-size:20px}.v-pass{background:#c8ecc8}.v-warn{background:#ffe29a}"
          ".v-fail{background:#f4b0b0}.charts svg{margin:6px 24px 12px 0}</style></head><body>\n";
  html << "<h1>" << report::html_escaped(report.title) << "</h1>\n<p class=\"headline v-" << report::html_escaped(r.verdict)
       << "\"><b>" << report::html_escaped(headline(r)) << "</b></p>\n<ul>";
  for (const auto& [key, value] : report.source.items())
    html << "<li>" << report::html_escaped(key + ": " + (value.is_string() ? value.get<std::string>() : value.dump())) << "</li>";
  html << "</ul>\n";
  for (const auto& n : report.notes) html << "<p>" << report::html_escaped(n) << "</p>\n";
  html << "<p>" << report::html_escaped(method_text(r)) << "</p>\n";
  const auto& names = eval::metric_names(r.kind);
  for (const auto& [attribute, groups] : by_attribute(r)) {
    html << "<h2>Groups by " << report::html_escaped(attribute) << "</h2>\n"
         << report::html_table(groups_table(r, groups)) << "<div class=\"charts\">";
    for (size_t m = 0; m < names.size(); ++m) html << metric_chart_svg(names[m], m, groups);
    html << "</div>\n";
  }
  html << "<h2>Comparisons</h2>\n";
  if (r.comparisons.empty()) html << "<p>None.</p>\n";
  else html << report::html_table(comparisons_table(r), verdict_class);
  for (const auto& n : r.notes) html << "<p>" << report::html_escaped(n) << "</p>\n";
  html << "</body></html>\n";
  return html.str();
}

void check_audit_output_dir(const std::string& dir, const std::vector<std::string>& inputs) {
  io::check_output_folder(dir, "--output-dir", inputs);
  std::error_code ec;
  if (!fs::exists(dir, ec)) return;  // a folder to be created holds nothing the reports could replace
  for (const char* name : kReportFiles) io::check_output_path((fs::path(dir) / name).string(), "--output-dir", inputs);
}

void write_audit_reports(const std::string& dir, const AuditReport& report) {
  const fs::path d(dir);
  std::error_code ec;
  fs::create_directory(d, ec);  // checked by check_audit_output_dir: absent means its parent is writable
  if (ec) throw InputError(dir, "cannot create the report folder: " + ec.message());
  io::write_text_atomically((d / "audit.json").string(),
                            audit_json(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  io::write_text_atomically((d / "audit.md").string(), audit_markdown(report));
  io::write_text_atomically((d / "audit.html").string(), audit_html(report));
}

}  // namespace tessera::bias
