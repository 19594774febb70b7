#pragma once
// The reports of a bias audit, written into one folder: audit.json (every number), audit.md and a
// self-contained audit.html (the same tables, verdicts marked, and per-group bar charts with the
// intervals as whiskers, drawn as inline SVG). docs/bias.md describes the JSON.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "governance/bias/bias_audit.h"

namespace tessera::bias {

struct AuditReport {
  std::string title;               // "Bias audit of preds.csv"
  nlohmann::ordered_json source;   // what was audited: files, columns, checkpoint, data
  std::vector<std::string> notes;  // how to read this audit (what a group's units are, rows skipped)
  AuditResult result;
};

nlohmann::ordered_json audit_json(const AuditReport& report);
std::string audit_markdown(const AuditReport& report);
std::string audit_html(const AuditReport& report);

// Run before any work: `dir` is an output folder (io::check_output_folder; an absent one is
// created when the reports are written), and none of the report files would replace an input or
// anything but a regular file.
void check_audit_output_dir(const std::string& dir, const std::vector<std::string>& inputs);
void write_audit_reports(const std::string& dir, const AuditReport& report);

// A metric value as the Markdown and HTML tables show it (4 significant digits; "undefined" for NaN).
std::string value_text(double v);

}  // namespace tessera::bias
