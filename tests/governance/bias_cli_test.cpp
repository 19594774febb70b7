// `tessera audit bias --predictions` through the executable: a COMPAS-like table made here gives
// per-group fpr, fnr and selection_rate equal, to the last digit, to the hand computation and to
// pandas; rows with missing values are skipped and counted; bad input is one line and no report.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/util/rng.h"
#include "tests/support/command.h"
#include "tests/support/one_line_error.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test_support::one_line_error;
using test_support::run_shell;
using test_support::run_tessera;
using test_support::slurp;

// The first Python with pandas: the one on PATH, else Debian's (a pyenv shim may come first).
std::string python_with_pandas() {
  for (const char* python : {"python3", "/usr/bin/python3"})
    if (run_shell(std::string(python) + " -c 'import pandas'").exit_code == 0) return python;
  return "";
}

struct Counts {
  int64_t tp = 0, fp = 0, tn = 0, fn = 0;
};

// COMPAS-like: sex, race (quoted, one with a comma), a score whose distribution depends on race,
// a two-year outcome; every 97th row misses its score.
class BiasCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream csv(dir_ / "compas.csv");
    csv << "id,sex,race,decile_score,two_year_recid\n";
    Generator g(11);
    const char* races[] = {"African-American", "Caucasian", "Hispanic", "Other, unspecified"};
    for (int i = 0; i < 3000; ++i) {
      const std::string sex = g.uniform() < 0.8 ? "Male" : "Female";
      const std::string race = races[g.below(4)];
      const bool y = g.uniform() < (race == "African-American" ? 0.52 : 0.39);
      const int score = 1 + static_cast<int>(g.below(6)) + (y ? 3 : 0) + (race == "African-American" ? 1 : 0);
      csv << i << "," << sex << ",\"" << race << "\"," << (i % 97 == 0 ? std::string("NA") : std::to_string(score)) << ","
          << y << "\n";
      if (i % 97 == 0) continue;
      const bool decision = score >= 5;
      for (const std::string& key : {"sex=" + sex, "race=" + race, "sex,race=" + sex + "," + race}) {
        Counts& c = counts_[key];
        (y ? (decision ? c.tp : c.fn) : (decision ? c.fp : c.tn)) += 1;
      }
    }
  }

  test_support::CommandResult audit(const std::string& extra) {
    return run_tessera("audit bias --predictions " + (dir_ / "compas.csv").string() +
                       " --target two_year_recid --prediction decile_score --threshold 5 --groups sex,race "
                       "--intersections sex,race " + extra);
  }

  json audit_json(const fs::path& out) { return json::parse(slurp(out / "audit.json")); }

  static const json& group_of(const json& audit, const std::string& attribute, const std::string& group) {
    for (const auto& g : audit["groups"])
      if (g["attribute"] == attribute && g["group"] == group) return g;
    throw std::runtime_error("no group " + attribute + "=" + group);
  }

  const test_support::ScratchDir dir_;
  std::map<std::string, Counts> counts_;
};

TEST_F(BiasCli, RatesEqualTheHandComputationExactly) {
  const fs::path out = dir_ / "audit";
  const auto r = audit("--output-dir " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json a = audit_json(out);
  EXPECT_EQ(a["source"]["rows"], 3000);
  EXPECT_EQ(a["source"]["rows_skipped"], 31);
  ASSERT_EQ(counts_.size(), 2u + 4u + 8u);
  for (const auto& [key, c] : counts_) {
    const size_t eq = key.find('=');
    const json& g = group_of(a, key.substr(0, eq), key.substr(eq + 1));
    EXPECT_EQ(g["n"], c.tp + c.fp + c.tn + c.fn) << key;
    EXPECT_EQ(g["metrics"]["fpr"].get<double>(), double(c.fp) / double(c.fp + c.tn)) << key;
    EXPECT_EQ(g["metrics"]["fnr"].get<double>(), double(c.fn) / double(c.fn + c.tp)) << key;
    EXPECT_EQ(g["metrics"]["selection_rate"].get<double>(), double(c.tp + c.fp) / double(c.tp + c.fp + c.tn + c.fn))
        << key;
    const auto interval = g["intervals"]["fpr"];
    ASSERT_TRUE(interval.is_array()) << key;
    EXPECT_LE(interval[0].get<double>(), g["metrics"]["fpr"].get<double>() + 1e-12) << key;
    EXPECT_GE(interval[1].get<double>(), g["metrics"]["fpr"].get<double>() - 1e-12) << key;
  }
  EXPECT_TRUE(a["verdict"].is_string());
  EXPECT_TRUE(fs::exists(out / "audit.md"));
  EXPECT_TRUE(fs::exists(out / "audit.html"));
}

// pandas reads the same file (its own NA handling, its own threshold) and must agree to the last
// digit: repr() of each rate is compared with the JSON's number.
TEST_F(BiasCli, RatesEqualPandasToTheLastDigit) {
  const std::string python = python_with_pandas();
  if (python.empty()) GTEST_SKIP() << "python3 with pandas not installed";
  const fs::path out = dir_ / "audit";
  ASSERT_EQ(audit("--output-dir " + out.string()).exit_code, 0);
  std::ofstream script(dir_ / "rates.py");
  script << "import pandas as pd, sys\n"
            "df = pd.read_csv(sys.argv[1]).dropna(subset=['sex', 'race', 'decile_score', 'two_year_recid'])\n"
            "df['yhat'] = (df.decile_score >= 5).astype(int)\n"
            "df['sex,race'] = df.sex + ',' + df.race\n"
            "for attr in ['sex', 'race', 'sex,race']:\n"
            "    for g, d in df.groupby(attr):\n"
            "        neg, pos = d[d.two_year_recid == 0], d[d.two_year_recid == 1]\n"
            "        print(attr + '|' + g + '|' + repr(float((neg.yhat == 1).mean())) + '|' +\n"
            "              repr(float((pos.yhat == 0).mean())) + '|' + repr(float(d.yhat.mean())))\n";
  script.close();
  const auto py = run_shell(python + " " + (dir_ / "rates.py").string() + " " + (dir_ / "compas.csv").string());
  ASSERT_EQ(py.exit_code, 0) << py.err;
  const json a = audit_json(out);
  std::stringstream lines(py.out);
  int compared = 0;
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> f;
    std::stringstream fields(line);
    for (std::string part; std::getline(fields, part, '|');) f.push_back(part);
    ASSERT_EQ(f.size(), 5u) << line;
    const json& g = group_of(a, f[0], f[1]);
    // The JSON writes the shortest text that reads back to the same double, as repr() does.
    EXPECT_EQ(g["metrics"]["fpr"].dump(), f[2]) << line;
    EXPECT_EQ(g["metrics"]["fnr"].dump(), f[3]) << line;
    EXPECT_EQ(g["metrics"]["selection_rate"].dump(), f[4]) << line;
    ++compared;
  }
  EXPECT_EQ(compared, 14);
}

TEST_F(BiasCli, RegressionErrorsPerGroup) {
  std::ofstream csv(dir_ / "reg.csv");
  csv << "y,yhat,site\n1,2,a\n3,1,a\n0,0.5,b\n2,2,b\n";
  csv.close();
  const fs::path out = dir_ / "reg";
  const auto r = run_tessera("audit bias --predictions " + (dir_ / "reg.csv").string() +
                             " --target y --prediction yhat --groups site --task regression --output-dir " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json a = audit_json(out);
  const json& ga = group_of(a, "site", "a");
  EXPECT_DOUBLE_EQ(ga["metrics"]["bias"].get<double>(), (1.0 - 2.0) / 2.0);
  EXPECT_DOUBLE_EQ(ga["metrics"]["mae"].get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(ga["metrics"]["rmse"].get<double>(), std::sqrt(2.5));
  EXPECT_FALSE(ga["judged"].get<bool>());  // 2 rows < the default min_group_size
}

TEST_F(BiasCli, ConfigThresholdsJudge) {
  std::ofstream config(dir_ / "audit.yaml");
  config << "audit:\n  bootstrap: 50\n  min_group_size: 10\n  thresholds:\n    fpr: {warn: 0.0, fail: 0.0}\n";
  config.close();
  const fs::path out = dir_ / "judged";
  const auto r = audit("--config " + (dir_ / "audit.yaml").string() + " --output-dir " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json a = audit_json(out);
  EXPECT_EQ(a["verdict"], "fail");
  EXPECT_EQ(a["settings"]["bootstrap"], 50);
  bool judged_fpr = false;
  for (const auto& c : a["comparisons"]) judged_fpr |= c["metric"] == "fpr" && c["verdict"] == "fail";
  EXPECT_TRUE(judged_fpr);
}

struct BadCase {
  std::string name, csv, args, expected;
};

TEST_F(BiasCli, BadTablesAreOneLineErrorsWithoutReports) {
  const std::string base = " --target y --prediction p --groups g";
  const std::vector<BadCase> cases = {
      {"empty.csv", "", base, "is empty"},
      {"header.csv", "y,p,g\n", base, "no data rows"},
      {"letters.csv", "y,p,g\n1,0,a\nx,1,b\n", base + " --task regression", "line 3: target column 'y': 'x' is not a finite number"},
      {"two.csv", "y,p,g\n2,1,a\n", base, "line 2: target column 'y': '2' is not 0 or 1"},
      {"score.csv", "y,p,g\n1,0.7,a\n", base, "for scores give --threshold"},
      {"quote.csv", "y,p,g\n1,1,\"a\n", base, "line 2: a quoted field is never closed"},
      {"ragged.csv", "y,p,g\n1,1\n", base, "line 2: 2 fields where the header has 3"},
      {"nocol.csv", "y,q,g\n1,1,a\n", base, "has no column 'p' (named by --prediction; columns: y, q, g)"},
      {"allmissing.csv", "y,p,g\n1,,a\nNA,1,b\n", base, "every one of its 2 rows misses a value"},
      {"inf.csv", "y,p,g\n1,inf,a\n", base + " --task regression", "'inf' is not a finite number"},
      {"binary.csv", std::string("y,p,g\n1,1,\0a\n", 12), base, "a NUL byte"},
  };
  for (const BadCase& c : cases) {
    std::ofstream(dir_ / c.name, std::ios::binary) << c.csv;
    const fs::path out = dir_ / ("out-" + c.name);
    const auto r = run_tessera("audit bias --predictions " + (dir_ / c.name).string() + c.args + " --output-dir " + out.string());
    EXPECT_TRUE(one_line_error(r, 2, c.expected)) << c.name;
    EXPECT_FALSE(fs::exists(out / "audit.json")) << c.name;
  }
}

TEST_F(BiasCli, HostilePathsAreRefused) {
  const std::string table = "audit bias --target two_year_recid --prediction decile_score --threshold 5 --groups sex";
  const std::string compas = " --predictions " + (dir_ / "compas.csv").string();
  EXPECT_TRUE(one_line_error(run_tessera(table + " --predictions /dev/zero --output-dir " + (dir_ / "z").string()), 2, "NUL byte"));
  EXPECT_TRUE(one_line_error(run_tessera(table + " --predictions " + dir_.str() + " --output-dir " + (dir_ / "d").string()), 2, "is a folder"));
  EXPECT_TRUE(one_line_error(run_tessera(table + " --predictions " + (dir_ / "nope.csv").string() + " --output-dir " + (dir_ / "n").string()), 2, "cannot open"));
  // The output folder: a file, a folder in a missing folder, a folder holding the input as audit.json.
  EXPECT_TRUE(one_line_error(run_tessera(table + compas + " --output-dir " + (dir_ / "compas.csv").string()), 2, "is not a folder"));
  EXPECT_TRUE(one_line_error(run_tessera(table + compas + " --output-dir " + (dir_ / "no/such").string()), 2, "does not exist"));
  fs::create_directory(dir_ / "inside");
  fs::copy_file(dir_ / "compas.csv", dir_ / "inside" / "audit.json");
  const std::string before = slurp(dir_ / "inside" / "audit.json");
  EXPECT_TRUE(one_line_error(run_tessera(table + " --predictions " + (dir_ / "inside" / "audit.json").string() +
                                         " --output-dir " + (dir_ / "inside").string()), 2, "is an input file"));
  EXPECT_EQ(slurp(dir_ / "inside" / "audit.json"), before);
  fs::create_directories(dir_ / "dirs" / "audit.html");
  EXPECT_TRUE(one_line_error(run_tessera(table + compas + " --output-dir " + (dir_ / "dirs").string()), 2, "exists and is a directory"));
  EXPECT_FALSE(fs::exists(dir_ / "dirs" / "audit.json"));
  EXPECT_TRUE(one_line_error(run_tessera(table + compas + " --output-dir ''"), 2, "--output-dir"));
}

TEST_F(BiasCli, BadFlagsAreOneLineErrors) {
  const std::string compas = "audit bias --predictions " + (dir_ / "compas.csv").string();
  const std::string out = " --output-dir " + (dir_ / "o").string();
  EXPECT_TRUE(one_line_error(run_tessera(compas + " --target two_year_recid --prediction decile_score --groups sex --threshold nan" + out), 2, "finite"));
  EXPECT_TRUE(one_line_error(run_tessera(compas + " --target two_year_recid --groups sex" + out), 2, "--prediction"));
  EXPECT_TRUE(one_line_error(run_tessera("audit bias" + out), 2, "--predictions or --checkpoint"));
  EXPECT_TRUE(one_line_error(run_tessera(compas + " --target two_year_recid --prediction decile_score --groups sex, --threshold 5" + out), 2, "empty column name"));
  EXPECT_TRUE(one_line_error(run_tessera(compas + " --target two_year_recid --prediction decile_score --groups sex --threshold 5 --intersections sex,age" + out), 2, "'age' is not a group attribute"));
  EXPECT_TRUE(one_line_error(run_tessera(compas + " --target two_year_recid --prediction decile_score --groups sex --task regression --threshold 5" + out), 2, "--threshold"));
  std::ofstream(dir_ / "bad.yaml") << "audit:\n  confidence: 2\n";
  EXPECT_TRUE(one_line_error(run_tessera(compas + " --target two_year_recid --prediction decile_score --groups sex --threshold 5 --config " + (dir_ / "bad.yaml").string() + out), 2, "confidence"));
  std::ofstream(dir_ / "typo.yaml") << "audit:\n  bootstrapp: 10\n";
  EXPECT_TRUE(one_line_error(run_tessera(compas + " --target two_year_recid --prediction decile_score --groups sex --threshold 5 --config " + (dir_ / "typo.yaml").string() + out), 2, "unknown key 'audit.bootstrapp'"));
  EXPECT_FALSE(fs::exists(dir_ / "o" / "audit.json"));
}

}  // namespace
}  // namespace tessera
