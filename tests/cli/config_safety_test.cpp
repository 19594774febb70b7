// Configs that could be misread, through `tessera train` as a user runs it: a key given twice, a
// key without a value, min_lr above lr, a --set mapping that must merge, control characters in
// what users type, and library text in messages. Each is one line on stderr and exit code 2, or,
// for the merge, a run whose saved config.yaml keeps the section's other keys.
#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/command.h"
#include "tests/support/one_line_error.h"
#include "tests/support/slurp.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using test_support::CommandResult;
using test_support::run_tessera;
using test_support::shell_quote;
using test_support::slurp;

void write_file(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary | std::ios::trunc) << text; }

// The 1-based line of the first line of `text` that starts with `line`.
int line_of(const std::string& text, const std::string& line) {
  const size_t at = text.find("\n" + line);
  EXPECT_NE(at, std::string::npos) << "'" << line << "' not in the config";
  return static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at + 1), '\n')) + 1;
}

class ConfigSafety : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("tessera-config-safety-test-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::string corpus;
    while (corpus.size() < 4000) corpus += "The quick brown fox jumps over the lazy dog, and the dog sleeps on.\n";
    write_file(dir_ / "corpus.txt", corpus);
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  static std::string path(const std::string& name) { return (dir_ / name).string(); }
  static std::string tiny_config() { return std::string(TESSERA_SOURCE_DIR) + "/tests/configs/text-tiny.yaml"; }
  // The tiny config with `from` replaced by `to`, written under the test's folder.
  static std::string edited_config(const std::string& name, const std::string& from, const std::string& to) {
    std::string text = slurp(tiny_config());
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << "'" << from << "' not in the config";
    if (at != std::string::npos) text.replace(at, from.size(), to);
    write_file(path(name), text);
    return path(name);
  }

  // One training step on the tiny config into `run`: where the code under test accepts what it
  // should refuse, the test still finishes quickly.
  static CommandResult train(const std::string& run, const std::string& flags, const std::string& config = tiny_config()) {
    return run_tessera("train --config " + shell_quote(config) + " --set data.path=" + shell_quote(path("corpus.txt")) +
                       " --run-dir " + shell_quote(path(run)) + " --max-steps 1 " + flags);
  }

  // Bad input: exit code 2, exactly one line on stderr holding `fragment`, nothing on stdout.
  static void expect_one_line_error(const CommandResult& r, const std::string& fragment) {
    EXPECT_TRUE(test_support::one_line_error(r, 2, fragment));
  }

  static fs::path dir_;
};
fs::path ConfigSafety::dir_;

TEST_F(ConfigSafety, DuplicateKeysAreRefused) {
  const std::string config = edited_config("twice.yaml", "  lr: 3.0e-3\n", "  lr: 3.0e-3\n  seed: 1\n  lr: 0.5\n");
  const int first = line_of(slurp(config), "  lr:");
  expect_one_line_error(train("twice", "", config),
                        config + ": training.lr: given twice, at lines " + std::to_string(first) + " and " +
                            std::to_string(first + 2));
  expect_one_line_error(train("twice-set", "--set " + shell_quote("training={lr: 0.1, lr: 0.2}")),
                        "training.lr: given twice in --set 'training={lr: 0.1, lr: 0.2}'");
  const std::string two = edited_config("two-documents.yaml", "training:\n", "---\ntraining:\n");
  expect_one_line_error(train("two-documents", "", two), "a second YAML document at line ");
}

TEST_F(ConfigSafety, KeysWithoutValuesAreRefused) {
  const std::string config = edited_config("null-lr.yaml", "  lr: 3.0e-3\n", "  lr: ~\n");
  expect_one_line_error(train("null-lr", "", config),
                        config + ": training.lr: has no value at line " + std::to_string(line_of(slurp(config), "  lr:")));
  expect_one_line_error(train("empty-set", "--set training.lr="), "training.lr: has no value in --set 'training.lr='");
  expect_one_line_error(train("tilde-set", "--set training.lr=~"), "training.lr: has no value in --set 'training.lr=~'");
  expect_one_line_error(train("null-in-map", "--set " + shell_quote("training={lr: null}")),
                        "training.lr: has no value in --set 'training={lr: null}'");
}

TEST_F(ConfigSafety, MinLrAboveLrIsRefused) {
  expect_one_line_error(train("min-lr", "--set training.min_lr=0.01"),
                        "training.min_lr: must not exceed training.lr (0.003), got 0.01");
}

TEST_F(ConfigSafety, ASetMappingMergesIntoItsSection) {
  const CommandResult r = train("merged", "--set " + shell_quote("training={lr: 0.005, grad_clip: 0.5}"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const YAML::Node saved = YAML::LoadFile(path("merged") + "/config.yaml")["training"];
  EXPECT_EQ(saved["lr"].as<double>(), 0.005);
  EXPECT_EQ(saved["grad_clip"].as<double>(), 0.5);
  // The keys the mapping did not name keep the config's values, not the built-in defaults.
  EXPECT_EQ(saved["seed"].as<int>(), 7);
  EXPECT_EQ(saved["max_steps"].as<int>(), 20);
  EXPECT_EQ(saved["eval_batches"].as<int>(), 2);
}

TEST_F(ConfigSafety, ControlCharactersStayOnOneLine) {
  expect_one_line_error(train("newline-value", "--set " + shell_quote("training.precision=\"fp\\n32\"")),
                        "training.precision: 'fp\\n32' is not one of: fp32, tf32, bf16");
  expect_one_line_error(train("newline-key", "--set " + shell_quote("training.l\nr=1")), "unknown key 'training.l\\nr'");
  expect_one_line_error(train("newline-no-value", "--set " + shell_quote("oops\nmore")),
                        "--set expects key=value, got 'oops\\nmore'");
  expect_one_line_error(train("newline-bad-yaml", "--set " + shell_quote("training.lr=[1,\n2")),
                        "invalid YAML value in --set 'training.lr=[1,\\n2'");
  expect_one_line_error(train("escape-value", "--set " + shell_quote("training.precision=\"\\e[2J\"")),
                        "'\\x1b[2J' is not one of");
}

TEST_F(ConfigSafety, LibraryTextStaysOutOfMessages) {
  // yaml-cpp says "bad file" when nesting is too deep.
  write_file(path("deep.yaml"), "task: " + std::string(5000, '['));
  const CommandResult deep = train("deep", "", path("deep.yaml"));
  expect_one_line_error(deep, path("deep.yaml") + ": invalid YAML at line 1: nested too deeply");
  EXPECT_EQ(deep.err.find("bad file"), std::string::npos) << deep.err;
  expect_one_line_error(train("deep-set", "--set " + shell_quote("training.lr=" + std::string(5000, '['))),
                        "invalid YAML value in --set 'training.lr=[[[");

  // `tessera train` adds its run to <run>/carbon.json; nlohmann's text for a broken one is
  // "[json.exception.parse_error.101] ...".
  ASSERT_EQ(train("carbon", "").exit_code, 0);
  write_file(path("carbon") + "/carbon.json", "{\"runs\": [");
  const CommandResult broken = train("carbon", "--resume");
  // Found before the run does any work (it would otherwise fail only once training is done).
  expect_one_line_error(broken, path("carbon") + "/carbon.json: unreadable carbon report: not valid JSON (at byte ");
  EXPECT_EQ(broken.err.find("json.exception"), std::string::npos) << broken.err;
}

}  // namespace
}  // namespace tessera
