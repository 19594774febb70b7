// Carbon arithmetic and the reports: CodeCarbon's CSV columns and units, carbon.json round trip,
// Markdown and self-contained HTML, and a run directory's history.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "core/util/error.h"
#include "governance/carbon/carbon_intensity.h"
#include "governance/carbon/carbon_json.h"
#include "governance/carbon/carbon_reports.h"
#include "governance/carbon/emissions_csv.h"
#include "tests/governance/sample_runs.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"

namespace tessera::carbon {
namespace {

namespace fs = std::filesystem;
using test_support::sample_training_run;
using test_support::ScratchDir;
using test_support::slurp;

std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> out;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') field += line[++i];
    else if (c == '"') quoted = !quoted;
    else if (c == ',' && !quoted) out.push_back(std::exchange(field, ""));
    else field += c;
  }
  out.push_back(field);
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream ss(text);
  for (std::string l; std::getline(ss, l);) lines.push_back(l);
  return lines;
}

TEST(CarbonIntensity, TableDefaultAndOverrides) {
  const Location world = resolve_location("", 1.0, 0, "test");
  EXPECT_EQ(world.country_iso3, "WLD");
  EXPECT_DOUBLE_EQ(world.carbon_intensity_g_per_kwh, 475);
  const Location france = resolve_location("fra", 1.0, 0, "test");
  EXPECT_EQ(france.country_name, "France");
  EXPECT_DOUBLE_EQ(france.carbon_intensity_g_per_kwh, 67.39);
  EXPECT_NE(france.carbon_intensity_source.find("2021"), std::string::npos);
  const Location given = resolve_location("FRA", 1.0, 123.0, "test");
  EXPECT_DOUBLE_EQ(given.carbon_intensity_g_per_kwh, 123.0);
  EXPECT_EQ(given.carbon_intensity_source, "given");
  EXPECT_THROW(resolve_location("XXX", 1.0, 0, "--country"), InputError);
  EXPECT_THROW(resolve_location("FRA", 0.9, 0, "--pue"), InputError);
  std::string name, year;
  double g = 0;
  EXPECT_TRUE(lookup_carbon_intensity("USA", name, g, year));
  EXPECT_DOUBLE_EQ(g, 379.26);
}

TEST(CarbonIntensity, EmissionsAreEnergyTimesPueTimesIntensity) {
  Location l = resolve_location("DEU", 1.5, 0, "test");
  EXPECT_DOUBLE_EQ(emissions_kg(2.0, l), 2.0 * 1.5 * 365.477 / 1000);
  l = resolve_location("WLD", 1.0, 0, "test");
  EXPECT_DOUBLE_EQ(emissions_kg(1.0, l), 0.475);
  const CarbonRun run = sample_training_run();  // 1.6 kWh in France at PUE 1.2
  EXPECT_DOUBLE_EQ(run.energy_kwh(), 1.6);
  EXPECT_NEAR(run.emissions_kg(), 1.6 * 1.2 * 67.39 / 1000, 1e-12);
}

TEST(EmissionsCsv, CodeCarbonColumnsInOrderAndUnits) {
  // CodeCarbon 2.x's emissions.csv header, as its users' files show it.
  const std::vector<std::string> codecarbon = {
      "timestamp", "project_name", "run_id", "duration", "emissions", "emissions_rate", "cpu_power", "gpu_power",
      "ram_power", "cpu_energy", "gpu_energy", "ram_energy", "energy_consumed", "country_name", "country_iso_code",
      "region", "cloud_provider", "cloud_region", "os", "python_version", "codecarbon_version", "cpu_count",
      "cpu_model", "gpu_count", "gpu_model", "longitude", "latitude", "ram_total_size", "tracking_mode", "on_cloud",
      "pue"};
  const auto lines = lines_of(emissions_csv({sample_training_run()}));
  ASSERT_EQ(lines.size(), 2u);
  const auto header = csv_fields(lines[0]), row = csv_fields(lines[1]);
  ASSERT_GE(header.size(), codecarbon.size());
  EXPECT_EQ(std::vector<std::string>(header.begin(), header.begin() + static_cast<long>(codecarbon.size())), codecarbon);
  ASSERT_EQ(row.size(), header.size());
  auto value = [&](const std::string& column) {
    for (size_t i = 0; i < header.size(); ++i)
      if (header[i] == column) return row[i];
    ADD_FAILURE() << "no column " << column;
    return std::string();
  };
  EXPECT_DOUBLE_EQ(std::stod(value("cpu_energy")), 1.0);  // kWh
  EXPECT_DOUBLE_EQ(std::stod(value("gpu_energy")), 0.5);
  EXPECT_DOUBLE_EQ(std::stod(value("energy_consumed")), 1.6);
  EXPECT_DOUBLE_EQ(std::stod(value("cpu_power")), 36000);  // W: 3.6 MJ over 100 s
  EXPECT_NEAR(std::stod(value("emissions")), 1.6 * 1.2 * 0.06739, 1e-9);  // kg
  EXPECT_NEAR(std::stod(value("emissions_rate")), 1.6 * 1.2 * 0.06739 / 100, 1e-12);
  EXPECT_EQ(value("country_iso_code"), "FRA");
  EXPECT_EQ(value("cpu_model"), "AMD EPYC 7763 64-Core Processor");
  EXPECT_EQ(value("tracking_mode"), "machine");
  EXPECT_EQ(value("cpu_method"), "rapl");
  EXPECT_EQ(value("python_version"), "");
}

TEST(CarbonJson, RoundTripKeepsEverything) {
  const ScratchDir dir;
  CarbonRun a = sample_training_run(), b = sample_training_run();
  b.run_id = "another";
  b.command = "eval";
  b.location = resolve_location("USA", 1.0, 500, "test");
  const fs::path file = dir / "carbon.json";
  std::ofstream(file) << carbon_json({a, b});
  const std::vector<CarbonRun> back = read_carbon_json(file.string());
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(carbon_json(back), carbon_json({a, b}));
  EXPECT_EQ(back[1].location.carbon_intensity_source, "given");
  EXPECT_EQ(back[0].samples.size(), 100u);
  EXPECT_EQ(back[0].samples[10].phase, "train");
  EXPECT_THROW(read_carbon_json((dir / "missing.json").string()), InputError);
  std::ofstream(dir / "bad.json") << "{\"format\": \"something else\"}";
  EXPECT_THROW(read_carbon_json((dir / "bad.json").string()), InputError);
}

TEST(CarbonReports, MarkdownAndHtmlStateMethodsPhasesAndTotals) {
  const std::vector<CarbonRun> runs = {sample_training_run()};
  const std::string md = carbon_markdown(runs), html = carbon_html(runs);
  for (const std::string& text : {md, html}) {
    EXPECT_NE(text.find("1.6 kWh"), std::string::npos);
    EXPECT_NE(text.find("nvml_energy_counter"), std::string::npos);
    EXPECT_NE(text.find("resident_memory_x_0.375_w_per_gb"), std::string::npos);
    EXPECT_NE(text.find("67.4 gCO2eq/kWh"), std::string::npos);
    EXPECT_NE(text.find("80.0 s"), std::string::npos);  // the train phase
    EXPECT_NE(text.find("eval"), std::string::npos);
    EXPECT_NE(text.find("Energy measured with: CPU rapl (counter), GPU nvml_energy_counter (counter), RAM "
                        "resident_memory_x_0.375_w_per_gb (estimate)."),
              std::string::npos);
  }
  EXPECT_NE(md.find("| train | 80.0 s | 833 Wh | 417 Wh | 83.3 Wh | 1.33 kWh |"), std::string::npos) << md;
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("<polyline"), std::string::npos);
  for (const char* external : {"<script", "src=", "href=", "@import", "url("}) EXPECT_EQ(html.find(external), std::string::npos) << external;
}

TEST(CarbonReports, RunDirectoryKeepsEveryRunAndReplacesARegeneratedOne) {
  const ScratchDir dir;
  CarbonRun first = sample_training_run();
  record_carbon_run(dir.str(), first);
  CarbonRun second = sample_training_run();
  second.run_id = "second-run";
  second.command = "eval";
  record_carbon_run(dir.str(), second);
  for (const char* name : {"carbon.json", "emissions.csv", "carbon.md", "carbon.html"})
    EXPECT_TRUE(fs::exists(dir / name)) << name;
  EXPECT_EQ(lines_of(slurp(dir / "emissions.csv")).size(), 3u);
  first.location = resolve_location("SWE", 1.0, 0, "test");
  record_carbon_run(dir.str(), first);
  const auto runs = read_carbon_json((dir / "carbon.json").string());
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].location.country_iso3, "SWE");
  EXPECT_EQ(lines_of(slurp(dir / "emissions.csv")).size(), 3u);
  for (const auto& entry : fs::directory_iterator(dir.path()))
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << "left behind: " << entry.path();
}

}  // namespace
}  // namespace tessera::carbon
