#include "governance/carbon/carbon_reports.h"

#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "core/io/atomic_file.h"
#include "core/io/output_path.h"
#include "core/util/error.h"
#include "governance/carbon/carbon_json.h"
#include "governance/carbon/emissions_csv.h"
#include "governance/carbon/power_plot.h"
#include "governance/carbon/report_tables.h"
#include "governance/report/report_format.h"

namespace tessera::carbon {
namespace {

namespace fs = std::filesystem;

using report::html_table;
using report::markdown_table;

std::string title_of(const std::vector<CarbonRun>& runs) {
  return runs.size() == 1 ? "Energy and carbon: " + runs.front().command + " run " + runs.front().run_id.substr(0, 8)
                          : "Energy and carbon: " + std::to_string(runs.size()) + " runs";
}

const char* kPlotNote = "Samples are rank 0's (its process and, where counters exist, its node).";

}  // namespace

std::string carbon_markdown(const std::vector<CarbonRun>& runs) {
  std::ostringstream md;
  md << "# " << title_of(runs) << "\n\n";
  const CarbonTotals total = total_of(runs);
  md << "**" << energy_text(total.joules()) << "**, **" << mass_text(total.emissions_kg) << "** in "
     << duration_text(total.duration_s) << ".\n\n";
  for (const auto& s : carbon_statements(runs)) md << s << "\n";
  md << "\n## Runs\n\n" << markdown_table(runs_table(runs));
  md << "\n## Phases\n\n" << markdown_table(phases_table(runs));
  md << "\n## How each energy was obtained\n\n" << markdown_table(methods_table(runs));
  md << "\nMethods: `rapl` and `nvml_energy_counter` are hardware energy counters; `nvml_power_sampling` integrates "
        "GPU power readings; `tdp_x_cpu_time` and `resident_memory_x_0.375_w_per_gb` are estimates "
        "(see docs/carbon.md). The power over time is plotted in carbon.html. "
     << kPlotNote << "\n";
  return md.str();
}

std::string carbon_html(const std::vector<CarbonRun>& runs) {
  std::ostringstream html;
  const CarbonTotals total = total_of(runs);
  html << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" << report::html_escaped(title_of(runs))
       << "</title>\n<style>body{font-family:sans-serif;margin:24px;color:#222;max-width:1100px}"
          "table{border-collapse:collapse;margin:8px 0 16px}th,td{border:1px solid #bbb;padding:3px 8px;text-align:left}"
          "th{background:#f0f0f0}.headline{font-size:20px}</style></head><body>\n";
  html << "<h1>" << report::html_escaped(title_of(runs)) << "</h1>\n<p class=\"headline\"><b>" << report::html_escaped(energy_text(total.joules()))
       << "</b>, <b>" << report::html_escaped(mass_text(total.emissions_kg)) << "</b> in " << duration_text(total.duration_s) << ".</p>\n";
  for (const auto& s : carbon_statements(runs)) html << "<p>" << report::html_escaped(s) << "</p>\n";
  html << "<h2>Runs</h2>\n" << html_table(runs_table(runs));
  html << "<h2>Phases</h2>\n" << html_table(phases_table(runs));
  html << "<h2>Power over time</h2>\n<p>" << kPlotNote << "</p>\n";
  for (const auto& r : runs)
    html << "<h3>" << report::html_escaped(r.command + " run " + r.run_id.substr(0, 8) + ", " + r.started_at) << "</h3>\n"
         << power_plot_svg(r) << "\n";
  html << "<h2>How each energy was obtained</h2>\n" << html_table(methods_table(runs));
  html << "<p>rapl and nvml_energy_counter are hardware energy counters; nvml_power_sampling integrates GPU power "
          "readings; tdp_x_cpu_time and resident_memory_x_0.375_w_per_gb are estimates (see docs/carbon.md).</p>\n";
  html << "</body></html>\n";
  return html.str();
}

void write_carbon_reports(const std::string& dir, const std::vector<CarbonRun>& runs) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw InputError(dir, "cannot create the report directory: " + ec.message());
  io::write_text_atomically((fs::path(dir) / "carbon.json").string(), carbon_json(runs));
  io::write_text_atomically((fs::path(dir) / "emissions.csv").string(), emissions_csv(runs));
  io::write_text_atomically((fs::path(dir) / "carbon.md").string(), carbon_markdown(runs));
  io::write_text_atomically((fs::path(dir) / "carbon.html").string(), carbon_html(runs));
}

void check_carbon_reports(const std::string& dir) {
  // Checked before the run, so that a report folder that cannot be made fails before the run's
  // own outputs are written, not after them.
  std::error_code ec;
  fs::path existing = fs::absolute(dir, ec);
  while (!existing.empty() && !fs::exists(existing, ec) && existing.has_parent_path() && existing != existing.parent_path())
    existing = existing.parent_path();
  if (!fs::is_directory(existing, ec))
    throw InputError(dir, existing == fs::absolute(dir, ec) ? "is not a folder; the run's reports (carbon.json ...) are written into it"
                                                           : "cannot create the report folder: " + existing.string() + " is not a folder");
  if (::access(existing.c_str(), W_OK) != 0)
    throw InputError(dir, "cannot write the run's reports: " + existing.string() + " is not writable");
  const fs::path json = fs::path(dir) / "carbon.json";
  if (fs::exists(json)) read_carbon_json(json.string());
  for (const char* name : {"carbon.json", "carbon.md", "carbon.html", "emissions.csv"})
    io::check_replaceable((fs::path(dir) / name).string());
}

void record_carbon_run(const std::string& dir, const CarbonRun& run) {
  const fs::path json = fs::path(dir) / "carbon.json";
  std::vector<CarbonRun> runs = fs::exists(json) ? read_carbon_json(json.string()) : std::vector<CarbonRun>{};
  bool replaced = false;
  for (auto& r : runs)
    if (r.run_id == run.run_id) {
      r = run;
      replaced = true;
    }
  if (!replaced) runs.push_back(run);
  write_carbon_reports(dir, runs);
}

}  // namespace tessera::carbon
