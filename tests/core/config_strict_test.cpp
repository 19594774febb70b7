// Config reading that cannot be misread: duplicate keys, null values and second documents are
// refused with the key and line; --set values are held to the same rules, a mapping merges into
// its section, and every message stays on one line whatever the user typed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "core/config/config.h"
#include "core/util/error.h"
#include "core/util/one_line.h"

namespace tessera::config {
namespace {

namespace fs = std::filesystem;

// The ConfigError message of `read`, or "no error".
std::string message(const std::function<void()>& read) {
  try {
    read();
  } catch (const ConfigError& e) {
    return e.path() + ": " + e.what();
  }
  return "no error";
}

std::string parse_error(const std::string& yaml) {
  return message([&] { ConfigFile::parse(yaml, "cfg.yaml"); });
}

// A config file on disk, for ConfigFile::load and its --set overrides.
class ConfigOverrides : public ::testing::Test {
 protected:
  void SetUp() override {
    file_ = fs::temp_directory_path() / ("tessera-config-strict-" + std::to_string(::getpid()) + ".yaml");
    std::ofstream(file_) << "task: t\ntraining:\n  lr: 0.1\n  seed: 7\n  device: cpu\n";
  }
  void TearDown() override { fs::remove(file_); }

  ConfigFile load(const std::vector<std::string>& overrides) { return ConfigFile::load(file_.string(), overrides); }
  std::string load_error(const std::vector<std::string>& overrides) {
    return message([&] { load(overrides); });
  }
  std::string file() const { return file_.string(); }

 private:
  fs::path file_;
};

TEST(ConfigStrict, DuplicateKeysAreRefusedWithBothLines) {
  EXPECT_EQ(parse_error("training:\n  lr: 0.1\n  seed: 1\n  lr: 0.2\n"),
            "cfg.yaml: training.lr: given twice, at lines 2 and 4");
  EXPECT_EQ(parse_error("task: a\ntask: b\n"), "cfg.yaml: task: given twice, at lines 1 and 2");
  EXPECT_EQ(parse_error("data: {files: [a.nc], files: [b.nc]}\n"), "cfg.yaml: data.files: given twice, at lines 1 and 1");
  EXPECT_EQ(parse_error("runs:\n  - name: a\n    name: b\n"), "cfg.yaml: runs[0].name: given twice, at lines 2 and 3");
  // The same name in two sections is two keys.
  EXPECT_EQ(parse_error("data:\n  seed: 1\ntraining:\n  seed: 2\n"), "no error");
}

TEST(ConfigStrict, KeysWithoutValuesAreRefused) {
  const std::string hint = "; give one, or leave the key out to use its default";
  EXPECT_EQ(parse_error("training:\n  lr: ~\n"), "cfg.yaml: training.lr: has no value at line 2" + hint);
  EXPECT_EQ(parse_error("training:\n  lr: null\n"), "cfg.yaml: training.lr: has no value at line 2" + hint);
  EXPECT_EQ(parse_error("training:\n  lr:\n  seed: 1\n"), "cfg.yaml: training.lr: has no value at line 2" + hint);
  EXPECT_EQ(parse_error("training:\n"), "cfg.yaml: training: has no value at line 1" + hint);
  EXPECT_EQ(parse_error("data:\n  files: [a.nc, ~]\n"), "cfg.yaml: data.files[1]: has no value at line 2" + hint);
  // A quoted "~" is text, and an empty file or one of comments is an empty config.
  EXPECT_EQ(parse_error("training:\n  device: \"~\"\n"), "no error");
  EXPECT_EQ(parse_error(""), "no error");
  EXPECT_EQ(parse_error("# nothing yet\n"), "no error");
}

TEST(ConfigStrict, KeysMustBePlainText) {
  EXPECT_EQ(parse_error("[a, b]: 1\n"),
            "cfg.yaml: a key that is not plain text at line 1 in the top level (a list, mapping or alias cannot be a key)");
  EXPECT_EQ(parse_error("a: &k x\nm:\n  *k : 1\n"),
            "cfg.yaml: a key that is not plain text at line 3 in m (a list, mapping or alias cannot be a key)");
  EXPECT_EQ(parse_error("~: 1\n"), "cfg.yaml: a key with no name at line 1 in the top level");
}

TEST(ConfigStrict, OneDocumentOnly) {
  EXPECT_EQ(parse_error("task: a\n---\ntask: b\n"), "cfg.yaml: a second YAML document at line 2 (a config is one document)");
  EXPECT_EQ(parse_error("task: a\n---\n[1\n"), "cfg.yaml: a second YAML document at line 2 (a config is one document)");
  EXPECT_EQ(parse_error("task: a\n---\n"), "cfg.yaml: a second YAML document at line 2 (a config is one document)");
  EXPECT_EQ(parse_error("---\ntask: a\n...\n"), "no error");
}

TEST(ConfigStrict, HostileYamlGivesAClearError) {
  EXPECT_EQ(parse_error("a: [1\n"), "cfg.yaml: invalid YAML at line 2: end of sequence flow not found");
  // yaml-cpp's own text for this is "bad file".
  EXPECT_EQ(parse_error("a: " + std::string(5000, '[')), "cfg.yaml: invalid YAML at line 1: nested too deeply");
  // A self-referencing alias parses (and is then refused by type) rather than hanging.
  ConfigFile f = ConfigFile::parse("a: &x [1, *x]\n", "cfg.yaml");
  Section root = f.root();
  EXPECT_EQ(message([&] { root.texts("a", {}); }), "cfg.yaml: a: expected a list of values, got a list in the list");
}

TEST(ConfigStrict, ErrorsStayOnOneLine) {
  EXPECT_EQ(one_line("a\nb\r\tc\x1b[31m\x7f"), "a\\nb\\r\\tc\\x1b[31m\\x7f");
  EXPECT_EQ(one_line("caf\xc3\xa9"), "caf\xc3\xa9");  // UTF-8 passes through
  ConfigFile f = ConfigFile::parse("training:\n  precision: \"fp\\n32\"\n  \"a\\nb\": 1\n", "dir\n/cfg.yaml");
  Section training = f.root().section("training");
  EXPECT_EQ(message([&] { training.choice("precision", "fp32", {"fp32", "bf16"}); }),
            "dir\\n/cfg.yaml: training.precision: 'fp\\n32' is not one of: fp32, bf16");
  EXPECT_EQ(message([&] { training.finish(); }),
            "dir\\n/cfg.yaml: unknown key 'training.a\\nb' (allowed here: precision)");
}

// yaml-cpp writes other bytes back differently (invalid UTF-8 as U+FFFD, NUL cuts a scalar, a
// lone carriage return is no line break to it): the config saved with a run would not be the one
// given. Found by the config fuzz harness (tests/fuzz/regressions/config).
TEST(ConfigStrict, OnlyTextIsRead) {
  const std::string not_text = " is not text (UTF-8 without control characters; lines end in LF or CRLF)";
  EXPECT_EQ(parse_error("data:\n  path: caf\xe9.txt\n"), "cfg.yaml: invalid YAML at line 2: byte 0xE9" + not_text);
  EXPECT_EQ(parse_error(std::string("task: a\0b\n", 10)), "cfg.yaml: invalid YAML at line 1: byte 0x00" + not_text);
  EXPECT_EQ(parse_error("task: a\rmodel: b\r"), "cfg.yaml: invalid YAML at line 1: byte 0x0D" + not_text);
  EXPECT_EQ(parse_error("task: a\r\nname: \"caf\xc3\xa9\tb\"\r\n"), "no error");
}

TEST(ConfigStrict, EffectiveConfigReadsBackStrictly) {
  ConfigFile f = ConfigFile::parse("data:\n  path: x\n", "cfg.yaml");
  Section data = f.root().section("data");
  data.text("path", "");
  data.text("empty", "");
  data.texts("files", {});
  data.finish();
  f.root().section("absent");
  EXPECT_EQ(message([&] { ConfigFile::parse(f.effective_yaml(), "saved.yaml"); }), "no error");
}

TEST_F(ConfigOverrides, AMappingMergesIntoItsSection) {
  ConfigFile f = load({"training={lr: 0.5, grad_clip: 2}", "model={d_model: 64}"});
  Section training = f.root().section("training");
  EXPECT_EQ(training.number("lr", 0), 0.5);
  EXPECT_EQ(training.integer("seed", 0), 7);
  EXPECT_EQ(training.text("device", "x"), "cpu");
  EXPECT_EQ(training.number("grad_clip", 1), 2);
  EXPECT_EQ(f.root().section("model").integer("d_model", 0), 64);
}

TEST_F(ConfigOverrides, OtherValuesReplaceAndTheLastSetWins) {
  ConfigFile f = load({"training.lr=0.2", "training.lr=0.3", "training=5"});
  EXPECT_EQ(message([&] { f.root().section("training"); }), file() + ": training: expected a mapping of keys, got '5'");
  ConfigFile g = load({"training.lr=0.2", "training.lr=0.3"});
  EXPECT_EQ(g.root().section("training").number("lr", 0), 0.3);
}

TEST_F(ConfigOverrides, AnOverrideWithoutAValueIsRefused) {
  EXPECT_EQ(load_error({"training.lr="}), file() + ": training.lr: has no value in --set 'training.lr='");
  EXPECT_EQ(load_error({"training.lr=~"}), file() + ": training.lr: has no value in --set 'training.lr=~'");
  EXPECT_EQ(load_error({"training.lr=null"}), file() + ": training.lr: has no value in --set 'training.lr=null'");
  EXPECT_EQ(load_error({"training={lr: ~}"}), file() + ": training.lr: has no value in --set 'training={lr: ~}'");
  EXPECT_EQ(load_error({"training.lr=\"\""}), "no error");  // an empty string is a value (and a type error later)
}

TEST_F(ConfigOverrides, OnlyTextIsSet) {
  EXPECT_NE(load_error({"training.lr=\x01"}).find("byte 0x01 is not text"), std::string::npos);
  EXPECT_NE(load_error({"train\xffing.lr=1"}).find("is not text (UTF-8 without control characters)"), std::string::npos);
}

TEST_F(ConfigOverrides, OverridesAreReadAsStrictlyAsTheFile) {
  EXPECT_EQ(load_error({"training={lr: 1, lr: 2}"}), file() + ": training.lr: given twice in --set 'training={lr: 1, lr: 2}'");
  EXPECT_EQ(load_error({"training.lr=[1"}),
            file() + ": invalid YAML value in --set 'training.lr=[1': end of sequence flow not found");
  EXPECT_EQ(load_error({"training.lr=1\n---\n2"}),
            file() + ": a second YAML document in --set 'training.lr=1\\n---\\n2' (a config is one document)");
  EXPECT_EQ(load_error({"training..lr=1"}),
            file() + ": --set 'training..lr=1': the key 'training..lr' has an empty name in it");
  EXPECT_EQ(load_error({"training.=1"}), file() + ": --set 'training.=1': the key 'training.' has an empty name in it");
  EXPECT_EQ(load_error({"lr"}), file() + ": --set expects key=value, got 'lr'");
  EXPECT_EQ(load_error({"a\nb"}), file() + ": --set expects key=value, got 'a\\nb'");
}

}  // namespace
}  // namespace tessera::config
