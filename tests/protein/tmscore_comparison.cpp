#include "tests/protein/tmscore_comparison.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "tests/support/command.h"

namespace tessera::test_support {
namespace {

double number_after(const std::string& text, const std::string& label) {
  const auto at = text.find(label);
  if (at == std::string::npos) return std::nan("");
  return std::strtod(text.c_str() + at + label.size(), nullptr);
}

}  // namespace

bool have_tmscore() { return run_shell("command -v TMscore").exit_code == 0; }

TmscoreScores tmscore(const std::string& model, const std::string& reference) {
  const auto r = run_shell("TMscore " + model + " " + reference);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string& o = r.out;
  TmscoreScores s;
  s.tm = number_after(o, "TM-score    =");
  s.gdt_ts = number_after(o, "GDT-TS-score=");
  s.gdt_ha = number_after(o, "GDT-HA-score=");
  s.rmsd = number_after(o, "RMSD of  the common residues=");
  s.common = static_cast<int>(number_after(o, "Number of residues in common="));
  const auto structure2 = o.find("Structure2:");
  s.reference_length = structure2 == std::string::npos ? -1 : static_cast<int>(number_after(o.substr(structure2), "Length="));
  return s;
}

int compare_with_tmscore(const ScratchDir& dir, const std::string& what) {
  const std::string predictions = (dir / "predictions").string(), references = (dir / "references").string();
  const auto r = run_tessera("eval protein --predictions " + predictions + " --references " + references);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  if (r.exit_code != 0) return 0;
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_TRUE(report["skipped"].empty()) << report["skipped"].dump();
  std::map<std::string, nlohmann::json> ours;
  for (const auto& s : report["structures"]) ours[s["name"].get<std::string>()] = s;
  double tm = 0, gdt_ts = 0, gdt_ha = 0, rmsd = 0;
  int pairs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(predictions)) {
    const std::string name = entry.path().stem().string();
    const TmscoreScores theirs = tmscore(entry.path().string(), references + "/" + name + ".pdb");
    EXPECT_FALSE(std::isnan(theirs.tm)) << name << ": TMscore gave no TM-score";
    EXPECT_TRUE(ours.count(name)) << name;
    if (!ours.count(name)) continue;
    const nlohmann::json& s = ours[name];
    EXPECT_EQ(s["n_common"].get<int>(), theirs.common) << name;
    EXPECT_EQ(s["n_residues"].get<int>(), theirs.reference_length) << name;
    const double d_tm = std::abs(s["tm_score"].get<double>() - theirs.tm);
    const double d_ts = std::abs(s["gdt_ts"].get<double>() - theirs.gdt_ts);
    const double d_ha = std::abs(s["gdt_ha"].get<double>() - theirs.gdt_ha);
    const double d_rmsd = std::abs(s["rmsd"].get<double>() - theirs.rmsd);
    EXPECT_LE(d_tm, kScoreTolerance) << name << " TM-score " << s["tm_score"] << " vs " << theirs.tm;
    EXPECT_LE(d_ts, kScoreTolerance) << name << " GDT_TS " << s["gdt_ts"] << " vs " << theirs.gdt_ts;
    EXPECT_LE(d_ha, kScoreTolerance) << name << " GDT_HA " << s["gdt_ha"] << " vs " << theirs.gdt_ha;
    EXPECT_LE(d_rmsd, kRmsdTolerance) << name << " RMSD " << s["rmsd"] << " vs " << theirs.rmsd;
    tm = std::max(tm, d_tm);
    gdt_ts = std::max(gdt_ts, d_ts);
    gdt_ha = std::max(gdt_ha, d_ha);
    rmsd = std::max(rmsd, d_rmsd);
    ++pairs;
  }
  std::printf("%s: %d pairs; max |difference| vs TMscore: TM-score %.2g, GDT_TS %.2g, GDT_HA %.2g, RMSD %.2g\n",
              what.c_str(), pairs, tm, gdt_ts, gdt_ha, rmsd);
  return pairs;
}

}  // namespace tessera::test_support
