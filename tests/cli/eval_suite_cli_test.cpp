// `tessera eval suite` through the executable: a weather and a molecule model trained for a few
// steps in the test, scored by one suite; the report's numbers against what `tessera eval <domain>`
// prints for the same flags, its three formats, and the bad-input table (one line, exit 2,
// nothing written).
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>

#include "tests/governance/browser_screenshot.h"
#include "tests/support/command.h"
#include "tests/support/one_line_error.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"
#include "tests/support/tiny_molecules.h"

namespace tessera::test_support {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

void write(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// Numbers equal up to the last bits (both sides print the same doubles; the tolerance only spares
// the test a reordered sum).
::testing::AssertionResult same_number(const json& a, const json& b) {
  if (a.is_null() && b.is_null()) return ::testing::AssertionSuccess();
  if (!a.is_number() || !b.is_number()) return ::testing::AssertionFailure() << a << " vs " << b;
  const double x = a.get<double>(), y = b.get<double>();
  if (std::abs(x - y) <= 1e-9 * std::max(1.0, std::abs(y))) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << x << " vs " << y;
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

class EvalSuiteCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_.emplace("EvalSuiteCli");
    dir_ = scratch_->str();
    weather_data_ = dir_ + "/weather.nc";
    molecule_data_ = dir_ + "/molecules.csv";
    ASSERT_EQ(run_tessera("data weather-demo --days 4 --output " + weather_data_).exit_code, 0);
    const auto w = run_tessera("train --config " TESSERA_SOURCE_DIR "/tests/configs/weather-tiny.yaml --no-carbon --run-dir " +
                               dir_ + "/weather-run --set 'data.files=[" + weather_data_ +
                               "]' --set data.train_start=2000-03-01 --set data.train_end=2000-03-02"
                               " --set data.test_start=2000-03-03 --set data.test_end=2000-03-04 --set model.patch_size=4");
    ASSERT_EQ(w.exit_code, 0) << w.err;
    write(molecule_data_, test_support::tiny_molecules_csv());
    const auto m = run_tessera("train --config " TESSERA_SOURCE_DIR "/tests/configs/molecule-tiny.yaml --no-carbon --run-dir " +
                               dir_ + "/molecule-run --set data.path=" + molecule_data_);
    ASSERT_EQ(m.exit_code, 0) << m.err;
    weather_checkpoint_ = dir_ + "/weather-run/checkpoints/last.h5";
    molecule_checkpoint_ = dir_ + "/molecule-run/checkpoints/last.h5";
    suite_ = dir_ + "/suite.yaml";
    write(suite_, "name: tiny\nevaluations:\n  - domain: weather\n    flags: {input: " + weather_data_ +
                      ", lead-hours: [1, 6]}\n  - domain: molecule\n    checkpoint: " + molecule_checkpoint_ +
                      "\n    flags: {input: " + molecule_data_ + "}\n");
    report_ = dir_ + "/report";
    suite_run_ = run_tessera("eval suite --checkpoint " + weather_checkpoint_ + " --suite " + suite_ + " --output-dir " +
                             report_ + " --no-carbon");
  }
  static void TearDownTestSuite() { scratch_.reset(); }

  void SetUp() override { ASSERT_EQ(suite_run_.exit_code, 0) << suite_run_.err; }

  static std::string suite_command(const std::string& suite, const std::string& output_dir) {
    return "eval suite --checkpoint " + weather_checkpoint_ + " --suite " + shell_quote(suite) + " --output-dir " +
           shell_quote(output_dir) + " --no-carbon";
  }

  static inline std::optional<ScratchDir> scratch_;
  static inline std::string dir_, weather_data_, molecule_data_, weather_checkpoint_, molecule_checkpoint_, suite_, report_;
  static inline CommandResult suite_run_;
};

TEST_F(EvalSuiteCli, JsonHasOneRowPerEvaluationWithTheNumbersEachEvalPrints) {
  const json summary = json::parse(suite_run_.out);
  EXPECT_EQ(summary["suite"], "tiny");
  EXPECT_EQ(summary["evaluations"], 2);
  const json suite = json::parse(slurp(report_ + "/suite.json"));
  ASSERT_EQ(suite["evaluations"].size(), 2u);
  const auto weather = run_tessera("eval weather --checkpoint " + weather_checkpoint_ + " --input " + weather_data_ +
                                   " --lead-hours 1,6 --no-carbon");
  const auto molecule = run_tessera("eval molecule --checkpoint " + molecule_checkpoint_ + " --input " + molecule_data_ +
                                    " --no-carbon");
  ASSERT_EQ(weather.exit_code, 0) << weather.err;
  ASSERT_EQ(molecule.exit_code, 0) << molecule.err;
  const json printed[] = {json::parse(weather.out), json::parse(molecule.out)};
  const char* domains[] = {"weather", "molecule"};
  for (size_t e = 0; e < 2; ++e) {
    const json& row = suite["evaluations"][e];
    EXPECT_EQ(row["domain"], domains[e]);
    const json& mine = row["comparison"];
    const json& theirs = printed[e]["comparison"];
    ASSERT_EQ(mine.size(), theirs.size()) << domains[e];
    ASSERT_FALSE(mine.empty());
    for (size_t i = 0; i < mine.size(); ++i) {
      EXPECT_EQ(mine[i]["metric"], theirs[i]["metric"]);
      EXPECT_EQ(mine[i]["better"], theirs[i]["better"]);
      EXPECT_TRUE(same_number(mine[i]["model"], theirs[i]["model"])) << mine[i]["metric"];
      ASSERT_EQ(mine[i]["baselines"].size(), theirs[i]["baselines"].size());
      for (const auto& [name, value] : theirs[i]["baselines"].items())
        EXPECT_TRUE(same_number(mine[i]["baselines"][name], value)) << mine[i]["metric"] << " " << name;
    }
  }
  // The comparison is filled from the numbers each eval already reports under its own keys.
  const json& w = printed[0];
  EXPECT_EQ(w["comparison"][0]["metric"], "rmse t2m 1h");
  EXPECT_TRUE(same_number(w["comparison"][0]["model"], w["scores"][0]["rmse"]));
  EXPECT_TRUE(same_number(w["comparison"][0]["baselines"]["persistence"], w["scores"][1]["rmse"]));
  EXPECT_TRUE(same_number(w["comparison"][0]["baselines"]["climatology"], w["scores"][2]["rmse"]));
  const json& m = printed[1];
  EXPECT_TRUE(same_number(m["comparison"][0]["model"], m["model"]["rmse"]));
  EXPECT_TRUE(same_number(m["comparison"][0]["baselines"]["ridge_morgan"], m["baselines"]["ridge_morgan"]["rmse"]));
  // Both runs' metrics.jsonl become curves; the weather run's is --checkpoint's.
  ASSERT_EQ(suite["training"].size(), 2u);
  EXPECT_EQ(suite["training"][0]["run_dir"], dir_ + "/weather-run");
  std::vector<std::string> keys;
  for (const auto& c : suite["training"][0]["curves"]) keys.push_back(c["key"]);
  EXPECT_NE(std::find(keys.begin(), keys.end(), "loss"), keys.end());
  EXPECT_NE(std::find(keys.begin(), keys.end(), "eval_loss"), keys.end());
}

TEST_F(EvalSuiteCli, MarkdownHasTheTables) {
  const std::string md = slurp(report_ + "/suite.md");
  EXPECT_NE(md.find("# Evaluation suite: tiny"), std::string::npos);
  EXPECT_NE(md.find("| metric | better | model | persistence | climatology | model beats every baseline |"), std::string::npos);
  EXPECT_NE(md.find("| metric | better | model | mean | ridge_morgan | ridge_descriptors | model beats every baseline |"),
            std::string::npos);
  EXPECT_NE(md.find("| rmse t2m 6h | lower |"), std::string::npos);
  EXPECT_NE(md.find("| r2 | higher |"), std::string::npos);
  EXPECT_NE(md.find("weather-run/metrics.jsonl"), std::string::npos);
}

TEST_F(EvalSuiteCli, HtmlIsSelfContainedWithOneChartPerEvaluationAndTheCurves) {
  const std::string html = slurp(report_ + "/suite.html");
  EXPECT_FALSE(std::regex_search(html, std::regex("(src|href)\\s*=\\s*[\"']?\\s*(https?:)?//", std::regex::icase)));
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(count(html, ": model and baselines\""), 2u);
  EXPECT_EQ(count(html, "aria-label=\"evaluations[0] weather: model and baselines\""), 1u);
  EXPECT_EQ(count(html, "aria-label=\"evaluations[1] molecule: model and baselines\""), 1u);
  // Per run: one chart of its losses, one of each other logged key.
  EXPECT_EQ(count(html, "aria-label=\"losses: "), 2u);
  EXPECT_EQ(count(html, "aria-label=\"lr: "), 2u);
  const json suite = json::parse(slurp(report_ + "/suite.json"));
  size_t curve_charts = 0;
  for (const auto& run : suite["training"]) {
    bool losses = false;
    for (const auto& c : run["curves"]) {
      const std::string key = c["key"];
      if (key.size() >= 4 && key.compare(key.size() - 4, 4, "loss") == 0) losses = true;
      else ++curve_charts;
    }
    curve_charts += losses;
  }
  EXPECT_EQ(count(html, "<svg"), 2 + curve_charts);
  EXPECT_EQ(count(html, "<svg"), count(html, "</svg>"));
}

TEST_F(EvalSuiteCli, LoadsInHeadlessChromium) {
  const std::string chromium = find_chromium();
  if (chromium.empty()) GTEST_SKIP() << "chromium not installed (apt-get install chromium)";
  const ScratchDir scratch;
  const fs::path png = scratch / "suite.png";
  const CommandResult r = screenshot(chromium, report_ + "/suite.html", png, scratch.path(), 1600);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Image image;
  ASSERT_TRUE(read_png(png, image)) << "no readable screenshot at " << png;
  EXPECT_EQ(image.width, 1200);
  // The model's bars (#4a7fb5) and the baselines' (#b0b0b0) are drawn.
  EXPECT_NE(std::find(image.rgb.begin(), image.rgb.end(), 0x4a7fb5u), image.rgb.end());
  EXPECT_NE(std::find(image.rgb.begin(), image.rgb.end(), 0xb0b0b0u), image.rgb.end());
  const CommandResult dom = run_shell(chromium + " --headless --disable-gpu --no-sandbox --user-data-dir=" +
                                      (scratch / "profile").string() + " --dump-dom file://" + report_ + "/suite.html");
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  EXPECT_EQ(count(dom.out, "<svg"), count(slurp(report_ + "/suite.html"), "<svg"));
}

TEST_F(EvalSuiteCli, DefaultFolderIsBesideTheCheckpointAndTheRunIsMetered) {
  const auto r = run_tessera("eval suite --checkpoint " + weather_checkpoint_ + " --suite " + suite_ +
                             " --carbon-intensity 100 --cpu-tdp 10");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path dir = dir_ + "/weather-run/checkpoints/eval-suite-tiny";
  for (const char* file : {"suite.json", "suite.md", "suite.html"}) EXPECT_TRUE(fs::is_regular_file(dir / file)) << file;
  EXPECT_EQ(json::parse(r.out)["output_dir"], dir.string());
  EXPECT_TRUE(fs::is_regular_file(dir_ + "/weather-run/carbon.json"));
}

TEST_F(EvalSuiteCli, CheckpointOutsideARunHasANoteInsteadOfCurves) {
  const ScratchDir scratch;
  fs::copy_file(weather_checkpoint_, scratch / "model.h5");
  const std::string suite = (scratch / "suite.yaml").string();
  write(suite, "name: lone\nevaluations:\n  - domain: weather\n    flags: {input: " + weather_data_ + "}\n");
  const auto r = run_tessera("eval suite --checkpoint " + (scratch / "model.h5").string() + " --suite " + suite + " --no-carbon");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(slurp(scratch / "eval-suite-lone" / "suite.json"));
  EXPECT_TRUE(j["training"].empty());
  ASSERT_EQ(j["notes"].size(), 1u);
  EXPECT_NE(j["notes"][0].get<std::string>().find("No training curves"), std::string::npos);
  EXPECT_NE(slurp(scratch / "eval-suite-lone" / "suite.md").find("No training curves"), std::string::npos);
}

// The suite's main use: one multi-domain checkpoint (tests/configs/multi-tiny.yaml), every
// evaluation scoring its part; the run's per-domain losses become curves.
TEST_F(EvalSuiteCli, OneMultiDomainCheckpointForEveryEvaluation) {
  const ScratchDir scratch;
  const std::string d = scratch.str();
  std::ofstream corpus(d + "/corpus.txt");
  for (int i = 0; i < 300; ++i) corpus << "Line " << i << ": the quick brown fox jumps over the lazy dog.\n";
  corpus.close();
  const auto train = run_tessera("train --config " TESSERA_SOURCE_DIR "/tests/configs/multi-tiny.yaml --no-carbon --run-dir " +
                                 d + "/run --set parts.text.data.path=" + d + "/corpus.txt --set parts.weather.data.files=" +
                                 weather_data_ + " --set parts.molecule.data.path=" + molecule_data_);
  ASSERT_EQ(train.exit_code, 0) << train.err;
  write(d + "/multi.yaml", "name: multi\nevaluations:\n  - domain: text\n    flags: {input: " + d +
                               "/corpus.txt}\n  - domain: weather\n    flags: {input: " + weather_data_ +
                               ", lead-hours: [1, 6]}\n  - domain: molecule\n    flags: {input: " + molecule_data_ + "}\n");
  const std::string checkpoint = d + "/run/checkpoints/last.h5";
  const auto r = run_tessera("eval suite --checkpoint " + checkpoint + " --suite " + d + "/multi.yaml --no-carbon");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(slurp(d + "/run/checkpoints/eval-suite-multi/suite.json"));
  ASSERT_EQ(j["evaluations"].size(), 3u);
  for (const auto& e : j["evaluations"]) {
    EXPECT_EQ(e["checkpoint"], checkpoint);
    EXPECT_FALSE(e["comparison"].empty()) << e["domain"];
  }
  const auto text = run_tessera("eval text --no-carbon --checkpoint " + checkpoint + " --input " + d + "/corpus.txt");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_TRUE(same_number(j["evaluations"][0]["comparison"][0]["model"], json::parse(text.out)["bits_per_byte"]));
  ASSERT_EQ(j["training"].size(), 1u);
  std::vector<std::string> keys;
  for (const auto& c : j["training"][0]["curves"]) keys.push_back(c["key"]);
  for (const char* key : {"loss", "text_loss", "weather_loss", "molecule_loss"})
    EXPECT_NE(std::find(keys.begin(), keys.end(), key), keys.end()) << key;
  const std::string html = slurp(d + "/run/checkpoints/eval-suite-multi/suite.html");
  EXPECT_EQ(count(html, ": model and baselines\""), 3u);
  EXPECT_EQ(count(html, "aria-label=\"losses: "), 1u);
}

TEST_F(EvalSuiteCli, BadInputIsOneLineAndWritesNothing) {
  const ScratchDir scratch;
  const fs::path d = scratch.path();
  auto suite_file = [&](const std::string& name, const std::string& text) {
    write(d / name, text);
    return (d / name).string();
  };
  const std::string molecule_entry = "  - domain: molecule\n    checkpoint: " + molecule_checkpoint_ + "\n    flags: {input: " +
                                     molecule_data_;
  const std::string good = suite_file("good.yaml", "name: good\nevaluations:\n" + molecule_entry + "}\n");
  std::string binary(256, '\0');
  for (size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<char>(i * 37 + 11);
  mkfifo((d / "fifo.yaml").c_str(), 0600);
  fs::create_directory(d / "taken");
  fs::copy_file(weather_checkpoint_, d / "taken" / "suite.html");
  write(d / "file", "x");

  struct Case {
    std::string name, args, expected;
  };
  const std::string out = (d / "out").string();
  const std::vector<Case> cases = {
      {"missing suite", suite_command((d / "absent.yaml").string(), out), "absent.yaml: no such config file"},
      {"empty suite", suite_command(suite_file("empty.yaml", ""), out), "empty.yaml: name: is required"},
      {"binary suite", suite_command(suite_file("binary.yaml", binary), out), "binary.yaml"},
      {"FIFO suite", suite_command((d / "fifo.yaml").string(), out), "fifo.yaml"},
      {"no evaluations", suite_command(suite_file("none.yaml", "name: none\n"), out), "evaluations: is required"},
      {"unknown key", suite_command(suite_file("key.yaml", "name: k\nevaluations:\n" + molecule_entry + "}\n    typo: 1\n"), out),
       "unknown key 'evaluations[0].typo'"},
      {"name that is a path", suite_command(suite_file("path.yaml", "name: ../up\nevaluations:\n" + molecule_entry + "}\n"), out),
       "name: '../up' must be"},
      {"unknown domain", suite_command(suite_file("domain.yaml", "name: d\nevaluations:\n  - domain: frob\n"), out),
       "domain.yaml: evaluations[0] (frob): no eval command of that name"},
      {"unknown flag", suite_command(suite_file("flag.yaml", "name: f\nevaluations:\n" + molecule_entry + ", frob: 1}\n"), out),
       "flag.yaml: evaluations[0] (molecule): The following argument was not expected: --frob=1"},
      {"missing flag", suite_command(suite_file("req.yaml", "name: r\nevaluations:\n  - domain: molecule\n"), out),
       "req.yaml: evaluations[0] (molecule): --input is required"},
      {"NaN flag",
       suite_command(suite_file("nan.yaml", "name: n\nevaluations:\n  - domain: weather\n    flags: {input: " + weather_data_ +
                                                ", lead-hours: [nan]}\n"),
                     out),
       "nan.yaml: evaluations[0] (weather): --lead-hours: must be a finite number, got 'nan'"},
      {"help as a flag", suite_command(suite_file("help.yaml", "name: h\nevaluations:\n" + molecule_entry + ", help: 1}\n"), out),
       "evaluations[0] (molecule): flags: help is not a flag of the evaluation"},
      {"one value too many",
       suite_command(suite_file("two.yaml", "name: t\nevaluations:\n  - domain: molecule\n    flags: {input: [a, b]}\n"), out),
       "evaluations[0] (molecule): --input: At Most 1 required but received 2"},
      {"checkpoint as a flag",
       suite_command(suite_file("ckflag.yaml", "name: c\nevaluations:\n" + molecule_entry + ", checkpoint: x.h5}\n"), out),
       "evaluations[0] (molecule): flags: 'checkpoint' is not a flag"},
      {"missing entry checkpoint",
       suite_command(suite_file("ck.yaml", "name: c\nevaluations:\n  - domain: molecule\n    checkpoint: " + (d / "no.h5").string() +
                                               "\n    flags: {input: " + molecule_data_ + "}\n"),
                     out),
       "ck.yaml: evaluations[0] (molecule): " + (d / "no.h5").string()},
      {"data the evaluation rejects",
       suite_command(suite_file("data.yaml", "name: x\nevaluations:\n  - domain: molecule\n    checkpoint: " + molecule_checkpoint_ +
                                                 "\n    flags: {input: " + (d / "file").string() + "}\n"),
                     out),
       "data.yaml: evaluations[0] (molecule): " + (d / "file").string()},
      {"output onto a file", suite_command(good, (d / "file").string()), "exists and is not a folder"},
      {"output onto a device", suite_command(good, "/dev/null"), "/dev/null: exists and is not a folder"},
      {"output in a missing folder", suite_command(good, (d / "no" / "where").string()), "does not exist"},
      {"output over the suite file", suite_command(suite_file("suite.md", "name: s\nevaluations:\n" + molecule_entry + "}\n"),
                                                   d.string()),
       "suite.md: is an input file"},
      {"output over the checkpoint",
       "eval suite --checkpoint " + (d / "taken" / "suite.html").string() + " --suite " + suite_file("w.yaml",
           "name: w\nevaluations:\n  - domain: weather\n    flags: {input: " + weather_data_ + "}\n") +
           " --output-dir " + (d / "taken").string() + " --no-carbon",
       "suite.html: is an input file"},
      {"empty output folder flag", suite_command(good, ""), "--output-dir: is empty"},
      {"no such device", suite_command(good, out) + " --device cuda:99", "--device"},
  };
  for (const Case& c : cases) {
    const auto before = std::distance(fs::directory_iterator(d), fs::directory_iterator());
    EXPECT_TRUE(one_line_error(run_tessera(c.args), 2, c.expected)) << c.name;
    EXPECT_FALSE(fs::exists(out)) << c.name;
    EXPECT_EQ(std::distance(fs::directory_iterator(d), fs::directory_iterator()), before) << c.name;
    EXPECT_FALSE(fs::exists(d / "suite.json")) << c.name;
    EXPECT_FALSE(fs::exists(d / "taken" / "suite.json")) << c.name;
  }
  EXPECT_EQ(slurp(d / "file"), "x");
}

}  // namespace
}  // namespace tessera::test_support
