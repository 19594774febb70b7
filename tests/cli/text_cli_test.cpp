// The text domain through the `tessera` executable, as a user drives it: train (run directory,
// metrics, exact resume after SIGTERM), generate, eval text and info, on a tiny model and a corpus
// the test writes itself; and every kind of bad input answered with exit code 2, one line on
// stderr, nothing on stdout and no checkpoint left behind.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>
#include <yaml-cpp/yaml.h>

#include "core/cuda/runtime.h"
#include "core/io/checkpoint.h"
#include "tests/support/checkpoint_tensors.h"
#include "tests/support/command.h"
#include "tests/support/metrics_log.h"
#include "tests/support/one_line_error.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test_support::CommandResult;
using test_support::one_line_error;
using test_support::progress_of;
using test_support::read_metrics;
using test_support::raw_tensors;
using test_support::run_shell;
using test_support::run_tessera;
using test_support::spawn_tessera;
using test_support::wait_for;
using test_support::exit_code_of;
using test_support::shell_quote;
using test_support::slurp;

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

std::string replace_once(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "'" << from << "' not in the config";
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream ss(text);
  for (std::string line; std::getline(ss, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

// The last line of a command's stdout, parsed as JSON (null if it is not JSON).
json last_json_line(const std::string& out) {
  const auto lines = split_lines(out);
  if (lines.empty()) return json();
  return json::parse(lines.back(), nullptr, false);
}

void expect_identical_tensors(const std::string& a_file, const std::string& b_file) {
  const auto a = raw_tensors(a_file), b = raw_tensors(b_file);
  ASSERT_EQ(a.size(), b.size());
  int optimizer_tensors = 0;
  for (const auto& [name, bytes] : a) {
    ASSERT_TRUE(b.count(name)) << name << " missing from " << b_file;
    EXPECT_TRUE(bytes == b.at(name)) << name << " differs between " << a_file << " and " << b_file;
    optimizer_tensors += name.rfind("optimizer/", 0) == 0;
  }
  EXPECT_GT(optimizer_tensors, 0) << "the optimizer moments must be compared too";
}

// English-like text: sentences of common words drawn by a fixed-seed generator (raw mt19937
// output, which is the same on every standard library).
std::string english_like_text(size_t bytes) {
  static const char* const kWords[] = {
      "the",   "of",     "and",    "to",     "in",      "is",     "was",   "that",   "he",     "she",
      "it",    "for",    "on",     "with",   "as",      "his",    "her",   "they",   "at",     "by",
      "from",  "this",   "had",    "not",    "are",     "but",    "were",  "which",  "or",     "we",
      "an",    "their",  "one",    "all",    "there",   "been",   "has",   "have",   "when",   "who",
      "will",  "more",   "no",     "if",     "out",     "so",     "said",  "what",   "up",     "about",
      "into",  "than",   "them",   "can",    "only",    "other",  "new",   "some",   "could",  "time",
      "these", "two",    "may",    "then",   "do",      "first",  "any",   "my",     "now",    "such",
      "like",  "our",    "over",   "man",    "me",      "even",   "most",  "made",   "after",  "also",
      "did",   "many",   "before", "must",   "through", "back",   "years", "where",  "much",   "your",
      "way",   "well",   "down",   "should", "because", "each",   "just",  "those",  "people", "how",
      "too",   "little", "state",  "good",   "very",    "make",   "world", "still",  "own",    "see",
      "men",   "work",   "long",   "get",    "here",    "between", "both", "life",   "being",  "under",
      "never", "day",    "same",   "another", "know",   "while",  "last",  "might",  "great",  "old",
      "year",  "off",    "come",   "since",  "against", "go",     "came",  "right",  "used",   "take",
      "three", "house",  "during", "without", "again",  "place",  "around", "home",  "small",  "found",
      "river", "light",  "window", "garden", "morning", "evening", "letter", "friend", "mother", "road"};
  const size_t n_words = sizeof(kWords) / sizeof(kWords[0]);
  std::mt19937 g(20240601);
  std::string text;
  while (text.size() < bytes) {
    const size_t words = 4 + g() % 11;
    std::string sentence;
    for (size_t i = 0; i < words; ++i) sentence += (i ? " " : "") + std::string(kWords[g() % n_words]);
    sentence[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(sentence[0])));
    static const char* const kEnds[] = {".", ".", ".", "?", "!", ";"};
    sentence += kEnds[g() % 6];
    sentence += g() % 5 == 0 ? "\n" : " ";
    text += sentence;
  }
  return text;
}

class TextCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_.emplace();
    dir_ = scratch_->path();
    const std::string text = english_like_text(40000);
    write_file(dir_ / "corpus.txt", text);
    write_file(dir_ / "sample.txt", text.substr(0, 8000));  // for the slower evaluations
  }
  static void TearDownTestSuite() { scratch_.reset(); }

  static std::string path(const std::string& name) { return (dir_ / name).string(); }
  static std::string corpus() { return path("corpus.txt"); }
  static std::string sample() { return path("sample.txt"); }
  static std::string tiny_config() { return std::string(TESSERA_SOURCE_DIR) + "/tests/configs/text-tiny.yaml"; }

  // `tessera train` on a config (the tiny one by default) with our corpus into `run_dir`; `flags`
  // adds --set overrides, --resume and the like.
  static CommandResult train(const std::string& run_dir, const std::string& flags = "",
                             const std::string& config = tiny_config()) {
    return run_tessera(train_args(run_dir, flags, config));
  }
  static std::string train_args(const std::string& run_dir, const std::string& flags = "",
                                const std::string& config = tiny_config()) {
    return "train --config " + shell_quote(config) + " --set data.path=" + shell_quote(corpus()) + " --run-dir " +
           shell_quote(run_dir) + " " + flags;
  }

  // The final checkpoint of a run trained once per test process with `flags`.
  static std::string trained(const std::string& name, const std::string& flags = "") {
    const std::string run = path(name), last = run + "/checkpoints/last.h5";
    if (!fs::exists(last)) {
      const CommandResult r = train(run, flags);
      if (r.exit_code != 0) ADD_FAILURE() << "training " << name << " failed (" << r.exit_code << "): " << r.err;
    }
    return last;
  }
  static std::string byte_model() { return trained("byte-model"); }

  static CommandResult generate(const std::string& checkpoint, const std::string& flags) {
    return run_tessera("generate --checkpoint " + shell_quote(checkpoint) + " " + flags);
  }
  static json eval_text(const std::string& checkpoint, const std::string& input) {
    const CommandResult r = run_tessera("eval text --checkpoint " + shell_quote(checkpoint) + " --input " + shell_quote(input));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const json j = last_json_line(r.out);
    EXPECT_TRUE(j.is_object()) << r.out;
    for (const char* key : {"loss", "perplexity", "bits_per_byte", "tokens", "bytes"})
      EXPECT_TRUE(j.is_object() && j.contains(key)) << key << " missing from " << r.out;
    return j.is_object() ? j : json::object();
  }

  // A training command that must fail on bad input without leaving a checkpoint behind.
  static void expect_train_error(const std::string& run_name, const std::string& flags, const std::string& fragment,
                                 const std::string& config = tiny_config()) {
    const std::string run = path(run_name);
    EXPECT_TRUE(one_line_error(train(run, flags, config), 2, fragment));
    EXPECT_FALSE(fs::exists(run + "/checkpoints/last.h5")) << "a failed run must leave no checkpoint";
    EXPECT_TRUE(!fs::exists(run) || fs::is_empty(run)) << "a run refused before it wrote anything must leave no run directory (or its lock)";
  }
  // The tiny config with one piece of text replaced, written next to the corpus.
  static std::string edited_config(const std::string& name, const std::string& from, const std::string& to) {
    write_file(path(name), replace_once(slurp(tiny_config()), from, to));
    return path(name);
  }

  static inline std::optional<test_support::ScratchDir> scratch_;
  static inline fs::path dir_;
};

// ---- train: the run directory ----

TEST_F(TextCli, TrainWritesRunDirectory) {
  const std::string run = path("run-basic");
  const CommandResult r = train(run);
  ASSERT_EQ(r.exit_code, 0) << r.err;

  // stdout ends with one JSON line that sums up the run.
  ASSERT_FALSE(r.out.empty());
  EXPECT_EQ(r.out.back(), '\n');
  const json summary = last_json_line(r.out);
  ASSERT_TRUE(summary.is_object()) << r.out;
  EXPECT_EQ(summary.value("run_dir", ""), run);
  EXPECT_EQ(summary.value("step", -1), 20);
  EXPECT_EQ(summary.value("checkpoint", ""), run + "/checkpoints/last.h5");
  ASSERT_TRUE(summary.contains("loss") && summary.contains("eval_loss")) << r.out;
  EXPECT_FALSE(summary.contains("interrupted_by")) << r.out;

  // config.yaml: the effective config, defaults included.
  ASSERT_TRUE(fs::exists(run + "/config.yaml"));
  const YAML::Node cfg = YAML::LoadFile(run + "/config.yaml");
  EXPECT_EQ(cfg["task"].as<std::string>(), "text/language_model");
  EXPECT_EQ(cfg["data"]["path"].as<std::string>(), corpus());
  EXPECT_EQ(cfg["data"]["batch_size"].as<int>(), 4);
  EXPECT_EQ(cfg["tokenizer"]["kind"].as<std::string>(), "byte");
  EXPECT_EQ(cfg["model"]["objective"].as<std::string>(), "causal");
  EXPECT_EQ(cfg["model"]["mlp_hidden"].as<int>(), 128) << "default: 4 * d_model";
  EXPECT_EQ(cfg["model"]["position"].as<std::string>(), "learned");
  EXPECT_EQ(cfg["model"]["norm"].as<std::string>(), "layernorm");
  EXPECT_EQ(cfg["model"]["activation"].as<std::string>(), "gelu_tanh");
  EXPECT_TRUE(cfg["model"]["bias"].as<bool>());
  EXPECT_EQ(cfg["training"]["max_steps"].as<int>(), 20);
  EXPECT_EQ(cfg["training"]["grad_accumulation"].as<int>(), 1);
  EXPECT_DOUBLE_EQ(cfg["training"]["beta1"].as<double>(), 0.9);
  EXPECT_DOUBLE_EQ(cfg["training"]["beta2"].as<double>(), 0.999);
  EXPECT_DOUBLE_EQ(cfg["training"]["eps"].as<double>(), 1e-8);
  EXPECT_DOUBLE_EQ(cfg["training"]["weight_decay"].as<double>(), 0.1);
  EXPECT_DOUBLE_EQ(cfg["training"]["grad_clip"].as<double>(), 1.0);
  EXPECT_EQ(cfg["training"]["checkpoint_every"].as<int>(), 0);

  // metrics.jsonl: one line per step (log_every 1) and evaluations at steps 10 and 20.
  const std::vector<json> metrics = read_metrics(run + "/metrics.jsonl");
  std::vector<int64_t> steps, eval_steps;
  double last_elapsed = 0, last_loss = 0, last_eval = 0;
  for (const json& j : metrics) {
    ASSERT_TRUE(j.contains("step") && j.contains("elapsed_s")) << j.dump();
    EXPECT_GE(j["elapsed_s"].get<double>(), last_elapsed) << j.dump();
    last_elapsed = j["elapsed_s"].get<double>();
    if (j.contains("loss")) {
      for (const char* key : {"lr", "tokens_per_s", "grad_norm"}) ASSERT_TRUE(j.contains(key)) << key << ": " << j.dump();
      EXPECT_TRUE(std::isfinite(j["loss"].get<double>())) << j.dump();
      EXPECT_GT(j["lr"].get<double>(), 0) << j.dump();
      EXPECT_GT(j["tokens_per_s"].get<double>(), 0) << j.dump();
      EXPECT_GE(j["grad_norm"].get<double>(), 0) << j.dump();
      steps.push_back(j["step"].get<int64_t>());
      last_loss = j["loss"].get<double>();
    }
    if (j.contains("eval_loss")) {
      EXPECT_TRUE(std::isfinite(j["eval_loss"].get<double>())) << j.dump();
      eval_steps.push_back(j["step"].get<int64_t>());
      last_eval = j["eval_loss"].get<double>();
    }
  }
  std::vector<int64_t> expected_steps(20);
  for (int i = 0; i < 20; ++i) expected_steps[i] = i + 1;
  EXPECT_EQ(steps, expected_steps);
  EXPECT_EQ(eval_steps, (std::vector<int64_t>{10, 20}));
  EXPECT_EQ(summary["loss"].get<double>(), last_loss);
  EXPECT_EQ(summary["eval_loss"].get<double>(), last_eval);
  EXPECT_LT(last_loss, metrics.front()["loss"].get<double>()) << "the loss should fall over 20 steps";

  // checkpoints/last.h5: the final state, with the same effective config.
  const std::string last = run + "/checkpoints/last.h5";
  ASSERT_TRUE(fs::exists(last));
  const io::CheckpointMeta meta = io::read_checkpoint_meta(last);
  EXPECT_EQ(meta.architecture, "text/language_model");
  EXPECT_EQ(meta.step, 20);
  EXPECT_EQ(meta.config, slurp(run + "/config.yaml"));
  EXPECT_TRUE(meta.rng.count("data") && meta.rng.count("dropout"));
  EXPECT_TRUE(meta.attributes.count("tokenizer"));
}

// The saved effective config is itself a complete config: training from it repeats the run bit
// for bit.
TEST_F(TextCli, EffectiveConfigReproducesTheRun) {
  const std::string first = byte_model();
  ASSERT_TRUE(fs::exists(first));
  const std::string saved = path("byte-model/config.yaml");
  const std::string again = path("from-effective-config");
  const CommandResult r = run_tessera("train --config " + shell_quote(saved) + " --run-dir " + shell_quote(again));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(slurp(again + "/config.yaml"), slurp(saved));
  expect_identical_tensors(first, again + "/checkpoints/last.h5");
}

// Numbers in config.yaml read as they were written (0.1, not 0.10000000000000001), as the comment
// in ConfigFile::effective_yaml intends.
TEST_F(TextCli, EffectiveConfigWritesNumbersReadably) {
  ASSERT_TRUE(fs::exists(byte_model()));
  const std::string text = slurp(path("byte-model/config.yaml"));
  EXPECT_NE(text.find("  validation_fraction: 0.1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  dropout: 0.1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  lr: 0.003\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  beta1: 0.9\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("0000000000"), std::string::npos) << text;
}

// ---- train: interruption and exact resume ----

// Run B is stopped by SIGTERM part-way and resumed; run A goes straight to the same step. Both
// end bit-identical: parameters, AdamW moments, RNG states (data order and dropout, p = 0.1) and
// every logged loss. Two threads, so the multi-threaded kernels are exercised as well.
TEST_F(TextCli, ResumeAfterSigtermIsBitIdentical) {
  const std::string common = "--set training.checkpoint_every=2 --set training.threads=2 --set training.eval_every=5";
  // If B finishes before the signal lands (a fast or quiet machine), try again with a longer run.
  int64_t steps = 16;
  std::string run_b, flags;
  CommandResult interrupted{-1, "", ""};
  for (int attempt = 0; attempt < 6; ++attempt, steps *= 2) {
    flags = common + " --set training.max_steps=" + std::to_string(steps);
    run_b = path("resume-b-" + std::to_string(steps));
    const fs::path out = path("resume-b.out"), err = path("resume-b.err");
    const pid_t pid = spawn_tessera("train --config " + shell_quote(tiny_config()) + " --set data.path=" + shell_quote(corpus()) +
                                        " --run-dir " + shell_quote(run_b) + " " + flags,
                                    out, err);
    ASSERT_GT(pid, 0);
    // Wait until it has logged a few steps (the signal handler is installed by then).
    int status = 0;
    bool ended_early = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (progress_of(run_b + "/metrics.jsonl") < 3) {
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        ended_early = true;
        break;
      }
      if (std::chrono::steady_clock::now() > deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    int code;
    if (ended_early) {
      code = exit_code_of(status);
    } else {
      ::kill(pid, SIGTERM);
      code = wait_for(pid, std::chrono::seconds(300));
    }
    interrupted = {code, slurp(out), slurp(err)};
    ASSERT_TRUE(code == 0 || code == 143) << "exit code " << code << ": " << interrupted.err;
    if (code == 143) break;  // interrupted, as wanted; 0: it finished first, so run longer
  }
  ASSERT_EQ(interrupted.exit_code, 143) << "the run always finished before SIGTERM arrived";

  // The interrupted run: a JSON line naming the signal, a note on stderr, a checkpoint of the step.
  const json stopped = last_json_line(interrupted.out);
  ASSERT_TRUE(stopped.is_object()) << interrupted.out;
  EXPECT_EQ(stopped.value("interrupted_by", ""), "SIGTERM") << interrupted.out;
  const int64_t stop_step = stopped.value("step", int64_t{-1});
  EXPECT_GE(stop_step, 3);
  EXPECT_LT(stop_step, steps);
  EXPECT_NE(interrupted.err.find("interrupted at step " + std::to_string(stop_step)), std::string::npos)
      << interrupted.err;
  ASSERT_TRUE(fs::exists(run_b + "/checkpoints/last.h5"));
  EXPECT_EQ(io::read_checkpoint_meta(run_b + "/checkpoints/last.h5").step, stop_step);
  EXPECT_EQ(progress_of(run_b + "/metrics.jsonl"), stop_step);

  // Run A, straight through; then B resumed to the end.
  const std::string run_a = path("resume-a-" + std::to_string(steps));
  const CommandResult a = train(run_a, flags);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  const CommandResult b = train(run_b, flags + " --resume");
  ASSERT_EQ(b.exit_code, 0) << b.err;
  const json a_end = last_json_line(a.out), b_end = last_json_line(b.out);
  ASSERT_TRUE(a_end.is_object() && b_end.is_object()) << a.out << b.out;
  EXPECT_EQ(b_end.value("step", -1), steps);
  EXPECT_EQ(a_end["loss"], b_end["loss"]);
  EXPECT_EQ(a_end["eval_loss"], b_end["eval_loss"]);

  const std::string last_a = run_a + "/checkpoints/last.h5", last_b = run_b + "/checkpoints/last.h5";
  expect_identical_tensors(last_a, last_b);
  const io::CheckpointMeta meta_a = io::read_checkpoint_meta(last_a), meta_b = io::read_checkpoint_meta(last_b);
  EXPECT_EQ(meta_a.step, steps);
  EXPECT_EQ(meta_b.step, steps);
  for (const char* g : {"data", "dropout"}) {
    ASSERT_TRUE(meta_a.rng.count(g) && meta_b.rng.count(g)) << g;
    EXPECT_EQ(meta_a.rng.at(g).seed(), meta_b.rng.at(g).seed()) << g;
    EXPECT_EQ(meta_a.rng.at(g).counter(), meta_b.rng.at(g).counter()) << g;
  }
  EXPECT_GT(meta_a.rng.at("dropout").counter(), 0u) << "dropout must have drawn random numbers";

  // The same losses, learning rates and gradient norms at every step, in both logs.
  auto trajectory = [](const std::string& run) {
    std::vector<std::string> rows;
    for (json j : read_metrics(run + "/metrics.jsonl")) {
      j.erase("elapsed_s");
      j.erase("tokens_per_s");
      rows.push_back(j.dump());
    }
    return rows;
  };
  EXPECT_EQ(trajectory(run_a), trajectory(run_b));
}

// SIGINT (Ctrl-C) stops a run like SIGTERM: the step finishes, the checkpoint is saved, exit 130.
TEST_F(TextCli, SigintStopsAndSaves) {
  const std::string run = path("sigint-run");
  const fs::path out = path("sigint.out"), err = path("sigint.err");
  // Far more steps than could run before the signal: it always lands mid-run.
  const pid_t pid = spawn_tessera("train --config " + shell_quote(tiny_config()) + " --set data.path=" + shell_quote(corpus()) +
                                      " --run-dir " + shell_quote(run) + " --set training.max_steps=1000000",
                                  out, err);
  ASSERT_GT(pid, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (progress_of(run + "/metrics.jsonl") < 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ::kill(pid, SIGINT);
  EXPECT_EQ(wait_for(pid, std::chrono::seconds(120)), 130) << slurp(err);
  const json stopped = last_json_line(slurp(out));
  ASSERT_TRUE(stopped.is_object()) << slurp(out);
  EXPECT_EQ(stopped.value("interrupted_by", ""), "SIGINT");
  ASSERT_TRUE(fs::exists(run + "/checkpoints/last.h5"));
  EXPECT_EQ(io::read_checkpoint_meta(run + "/checkpoints/last.h5").step, stopped.value("step", int64_t{-1}));
}

// --max-steps stops a run early without changing its schedule: resuming it later ends exactly
// where the uncapped run ends.
TEST_F(TextCli, ResumeAfterMaxStepsCapIsBitIdentical) {
  const std::string straight = byte_model();
  ASSERT_TRUE(fs::exists(straight));
  const std::string run = path("capped-run");
  const CommandResult capped = train(run, "--max-steps 7");
  ASSERT_EQ(capped.exit_code, 0) << capped.err;
  EXPECT_EQ(last_json_line(capped.out).value("step", -1), 7) << capped.out;
  const CommandResult resumed = train(run, "--resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(last_json_line(resumed.out).value("step", -1), 20) << resumed.out;
  expect_identical_tensors(straight, run + "/checkpoints/last.h5");
}

// ---- train: run directories that cannot be used ----

TEST_F(TextCli, ResumeWithDifferentSetValueIsRefused) {
  const std::string last = trained("run-to-resume");
  ASSERT_TRUE(fs::exists(last));
  const std::string config_before = slurp(path("run-to-resume/config.yaml")), ckpt_before = slurp(last);
  EXPECT_TRUE(one_line_error(
      train(path("run-to-resume"), "--resume --set training.lr=0.01"), 2,
      path("run-to-resume/config.yaml") + ": the config differs from the one this run started with"));
  EXPECT_EQ(slurp(path("run-to-resume/config.yaml")), config_before);
  EXPECT_TRUE(slurp(last) == ckpt_before) << "a refused resume must not touch the checkpoint";
}

TEST_F(TextCli, ResumeOnEmptyRunDirectoryIsRefused) {
  fs::create_directories(path("empty-run"));
  expect_train_error("empty-run", "--resume", "nothing to resume: no checkpoint in this run directory");
}

TEST_F(TextCli, TrainingIntoAnExistingRunIsRefused) {
  const std::string last = trained("existing-run");
  ASSERT_TRUE(fs::exists(last));
  const std::string metrics_before = slurp(path("existing-run/metrics.jsonl")), ckpt_before = slurp(last);
  EXPECT_TRUE(one_line_error(train(path("existing-run")), 2,
                             path("existing-run") + ": already holds a run; pass --resume to continue it"));
  EXPECT_EQ(slurp(path("existing-run/metrics.jsonl")), metrics_before) << "the old run's metrics must survive";
  EXPECT_TRUE(slurp(last) == ckpt_before) << "the old run's checkpoint must survive";
}

// ---- devices and precision ----

TEST_F(TextCli, Tf32OnTheCpuIsRefused) {
  expect_train_error("tf32-on-cpu", "--device cpu --set training.precision=tf32",
                     "training.precision: tf32 runs on CUDA devices only");
}

std::vector<double> step_losses(const std::string& run) {
  std::vector<double> losses;
  for (const json& j : read_metrics(run + "/metrics.jsonl"))
    if (j.contains("loss")) losses.push_back(j["loss"].get<double>());
  return losses;
}

// Products with every side at least 128 (ops::set_cpu_bf16_matmul): the tiny model's 32 would
// keep every product fp32. 4 x 32 tokens per batch.
constexpr const char* kBf16Width = " --set model.d_model=128";

// bf16 on the CPU follows the fp32 run to within bf16's rounding. Where the CPU has no bf16 dot
// products (DNNL_MAX_CPU_ISA hides them from oneDNN here) the run says so in one line and is
// then exactly the fp32 run.
TEST_F(TextCli, Bf16OnTheCpuFollowsFp32AndFallsBackToItWithANote) {
  const std::string flags = std::string("--device cpu --set training.threads=2") + kBf16Width;
  const CommandResult fp32 = train(path("precision-fp32"), flags);
  ASSERT_EQ(fp32.exit_code, 0) << fp32.err;
  const std::vector<double> reference = step_losses(path("precision-fp32"));
  ASSERT_EQ(reference.size(), 20u);

  const CommandResult bf16 = train(path("precision-bf16"), flags + " --set training.precision=bf16");
  ASSERT_EQ(bf16.exit_code, 0) << bf16.err;
  const std::vector<double> rounded = step_losses(path("precision-bf16"));
  ASSERT_EQ(rounded.size(), reference.size());
  for (size_t i = 0; i < rounded.size(); ++i)
    EXPECT_NEAR(rounded[i], reference[i], 0.02 * reference[i]) << "step " << i + 1;
  if (bf16.err.find("bf16 runs as fp32") == std::string::npos) {
    EXPECT_NE(rounded, reference) << "bf16 products must round something";
  }

  const CommandResult fallback = run_shell("DNNL_MAX_CPU_ISA=AVX512_CORE " + std::string(TESSERA_BINARY) + " " +
                                           train_args(path("precision-fallback"), flags + " --set training.precision=bf16"));
  ASSERT_EQ(fallback.exit_code, 0) << fallback.err;
  EXPECT_EQ(fallback.err.find("tessera: note: bf16 runs as fp32 here"), 0u) << fallback.err;
  EXPECT_EQ(step_losses(path("precision-fallback")), reference);
}

TEST_F(TextCli, AMissingDeviceIsRefused) {
  // cuda:64 is past the last device of any machine this runs on, GPU or not.
  expect_train_error("missing-device", "--device cuda:64", "--device: device cuda:64");
  EXPECT_TRUE(one_line_error(generate(byte_model(), "--device cuda:64"), 2, "--device: device cuda:64"));
}

// ---- generate ----

TEST_F(TextCli, GenerateSameSeedSameText) {
  const std::string ckpt = byte_model();
  const std::string flags = "--prompt 'The river' --max-tokens 60 --temperature 1 --seed 5";
  const CommandResult a = generate(ckpt, flags), b = generate(ckpt, flags);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_TRUE(a.out == b.out);
  EXPECT_EQ(a.out.rfind("The river", 0), 0u) << "stdout starts with the prompt";
  EXPECT_EQ(a.out.size(), std::string("The river").size() + 60 + 1) << "60 byte tokens and a newline";
  EXPECT_EQ(a.out.back(), '\n');
}

TEST_F(TextCli, GenerateDifferentSeedsDiffer) {
  const std::string ckpt = byte_model();
  const CommandResult a = generate(ckpt, "--prompt 'The river' --max-tokens 60 --temperature 1 --seed 5");
  const CommandResult b = generate(ckpt, "--prompt 'The river' --max-tokens 60 --temperature 1 --seed 6");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(b.out.rfind("The river", 0), 0u);
  EXPECT_FALSE(a.out == b.out) << "seeds 5 and 6 gave the same text";
}

TEST_F(TextCli, GenerateTopKTopPIsReproducible) {
  const std::string ckpt = byte_model();
  const std::string flags = "--prompt 'A' --max-tokens 40 --temperature 0.8 --top-k 5 --top-p 0.9 --seed 11";
  const CommandResult a = generate(ckpt, flags), b = generate(ckpt, flags);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_TRUE(a.out == b.out);
  EXPECT_EQ(a.out.size(), 1u + 40 + 1);
}

TEST_F(TextCli, GenerateTemperatureZeroIsDeterministic) {
  const std::string ckpt = byte_model();
  // Greedy decoding does not depend on the seed.
  const CommandResult a = generate(ckpt, "--prompt 'She said' --max-tokens 40 --temperature 0 --seed 1");
  const CommandResult b = generate(ckpt, "--prompt 'She said' --max-tokens 40 --temperature 0 --seed 2");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_TRUE(a.out == b.out);
  EXPECT_EQ(a.out.rfind("She said", 0), 0u);
}

TEST_F(TextCli, GenerateZeroTokensPrintsThePrompt) {
  const CommandResult r = generate(byte_model(), "--prompt 'Just this.' --max-tokens 0");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Just this.\n");
}

TEST_F(TextCli, GenerateWithoutPrompt) {
  const CommandResult r = generate(byte_model(), "--max-tokens 25 --seed 3");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.size(), 25u + 1);
}

// ---- eval text ----

TEST_F(TextCli, EvalTextReportsLossPerplexityAndBitsPerByte) {
  const json e = eval_text(byte_model(), corpus());
  ASSERT_TRUE(e.contains("loss"));
  EXPECT_EQ(e.value("objective", ""), "causal");
  const double loss = e["loss"].get<double>(), ppl = e["perplexity"].get<double>(), bpb = e["bits_per_byte"].get<double>();
  EXPECT_TRUE(std::isfinite(loss) && loss > 0) << e.dump();
  EXPECT_NEAR(ppl / std::exp(loss), 1.0, 1e-9) << e.dump();
  // A byte tokenizer: one token per byte, so bits per byte is the loss in bits.
  EXPECT_NEAR(bpb / (loss / std::log(2.0)), 1.0, 1e-12) << e.dump();
  EXPECT_EQ(e["tokens"].get<int64_t>(), e["bytes"].get<int64_t>()) << e.dump();
  // Every byte after the first is predicted exactly once.
  EXPECT_EQ(e["tokens"].get<int64_t>(), static_cast<int64_t>(fs::file_size(corpus())) - 1) << e.dump();
}

TEST_F(TextCli, EvalTextOnShortHeldOutText) {
  const std::string text = "The old man came home in the evening.\n";
  write_file(path("held-out.txt"), text);
  const json e = eval_text(byte_model(), path("held-out.txt"));
  ASSERT_TRUE(e.contains("tokens"));
  EXPECT_EQ(e["tokens"].get<int64_t>(), static_cast<int64_t>(text.size()) - 1);
  EXPECT_NEAR(e["perplexity"].get<double>() / std::exp(e["loss"].get<double>()), 1.0, 1e-9);
}

// --precision bf16, which every model-running command of every domain takes: bf16 products on the
// CPU, within bf16's rounding of fp32; refused on CUDA, where the domains have no bf16 inference.
TEST_F(TextCli, EvalTextInBf16IsCloseToFp32) {
  const std::string wide_model = trained("byte-model-128", kBf16Width);
  const json fp32 = eval_text(wide_model, sample());
  const CommandResult r = run_tessera("eval text --precision bf16 --checkpoint " + shell_quote(wide_model) +
                                      " --input " + shell_quote(sample()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json bf16 = last_json_line(r.out);
  ASSERT_TRUE(bf16.contains("loss") && fp32.contains("loss")) << r.out;
  EXPECT_NEAR(bf16["loss"].get<double>(), fp32["loss"].get<double>(), 0.01 * fp32["loss"].get<double>());
  if (r.err.find("bf16 runs as fp32") == std::string::npos) {
    EXPECT_NE(bf16["loss"].get<double>(), fp32["loss"].get<double>()) << "bf16 products must round something";
  }
  EXPECT_TRUE(one_line_error(run_tessera("eval text --precision fp16 --checkpoint " + shell_quote(byte_model()) +
                                         " --input " + shell_quote(sample())),
                             2, "--precision: fp16 not in {fp32,bf16}"));
  if (!cuda::available()) return;
  EXPECT_TRUE(one_line_error(run_tessera("eval text --precision bf16 --device cuda --checkpoint " +
                                         shell_quote(byte_model()) + " --input " + shell_quote(sample())),
                             2, "--precision: bf16 for predict and eval runs on the CPU only"));
}

// ---- BPE ----

TEST_F(TextCli, BpeTrainsGeneratesAndEvaluates) {
  const std::string ckpt = trained("bpe-model", "--set tokenizer.kind=bpe --set tokenizer.vocab_size=300");
  ASSERT_TRUE(fs::exists(ckpt));
  const YAML::Node cfg = YAML::LoadFile(path("bpe-model/config.yaml"));
  EXPECT_EQ(cfg["tokenizer"]["kind"].as<std::string>(), "bpe");
  EXPECT_EQ(cfg["tokenizer"]["vocab_size"].as<int>(), 300);

  const CommandResult info = run_tessera("info --checkpoint " + shell_quote(ckpt));
  ASSERT_EQ(info.exit_code, 0) << info.err;
  const json j = json::parse(info.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << info.out;
  EXPECT_EQ(j.value("architecture", ""), "text/language_model");
  EXPECT_EQ(j.value("step", -1), 20);
  ASSERT_TRUE(j.contains("attributes") && j["attributes"].contains("tokenizer")) << info.out;
  EXPECT_EQ(j["attributes"]["tokenizer"].value("kind", ""), "bpe");
  EXPECT_EQ(j["attributes"]["tokenizer"].value("vocab_size", 0), 300);
  EXPECT_EQ(j["modules"].value("token_embedding", int64_t{0}), 300 * 32) << "300 token embeddings of width 32";

  const std::string flags = "--prompt 'The river' --max-tokens 30 --seed 4";
  const CommandResult a = generate(ckpt, flags), b = generate(ckpt, flags);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out.rfind("The river", 0), 0u);
  EXPECT_GT(a.out.size(), std::string("The river").size() + 30) << "30 tokens of at least one byte each";
  EXPECT_TRUE(a.out == b.out);

  const json e = eval_text(ckpt, sample());
  ASSERT_TRUE(e.contains("tokens"));
  const int64_t tokens = e["tokens"].get<int64_t>(), bytes = e["bytes"].get<int64_t>();
  const int64_t size = static_cast<int64_t>(fs::file_size(sample()));
  EXPECT_LT(tokens, bytes) << "merged tokens stand for several bytes";
  EXPECT_LT(bytes, size) << "the first token is not predicted";
  EXPECT_GT(bytes, size - 16);
  const double loss = e["loss"].get<double>();
  EXPECT_NEAR(e["perplexity"].get<double>() / std::exp(loss), 1.0, 1e-9);
  EXPECT_NEAR(e["bits_per_byte"].get<double>() / (loss * static_cast<double>(tokens) / std::log(2.0) /
                                                   static_cast<double>(bytes)),
              1.0, 1e-9);
}

// ---- masked objective ----

TEST_F(TextCli, MaskedModelTrainsAndEvaluatesButDoesNotGenerate) {
  const std::string ckpt = trained("masked-model", "--set model.objective=masked");
  ASSERT_TRUE(fs::exists(ckpt));
  const YAML::Node cfg = YAML::LoadFile(path("masked-model/config.yaml"));
  EXPECT_EQ(cfg["model"]["objective"].as<std::string>(), "masked");
  EXPECT_DOUBLE_EQ(cfg["model"]["mask_fraction"].as<double>(), 0.15);

  const json e = eval_text(ckpt, sample());
  ASSERT_TRUE(e.contains("tokens"));
  EXPECT_EQ(e.value("objective", ""), "masked");
  const double size = static_cast<double>(fs::file_size(sample()));
  const int64_t tokens = e["tokens"].get<int64_t>();
  EXPECT_GT(tokens, 0.10 * size) << "about 15% of the tokens are masked and scored";
  EXPECT_LT(tokens, 0.20 * size);
  EXPECT_EQ(tokens, e["bytes"].get<int64_t>());
  EXPECT_TRUE(std::isfinite(e["loss"].get<double>()));
  EXPECT_NEAR(e["perplexity"].get<double>() / std::exp(e["loss"].get<double>()), 1.0, 1e-9);

  EXPECT_TRUE(one_line_error(generate(ckpt, "--prompt 'The' --max-tokens 5"), 2,
                             ckpt + ": holds a masked language model; generate needs a causal one"));
}

// ---- bad input: train ----

TEST_F(TextCli, BadInputEmptyCorpusFile) {
  write_file(path("empty.txt"), "");
  expect_train_error("bad-empty-corpus", "--set data.path=" + shell_quote(path("empty.txt")),
                     path("empty.txt") + ": corpus is empty");
}

TEST_F(TextCli, BadInputDirectoryWithoutFiles) {
  fs::create_directories(path("no-files/only-a-subdirectory"));
  expect_train_error("bad-empty-dir", "--set data.path=" + shell_quote(path("no-files")),
                     path("no-files") + ": directory holds no regular files");
}

TEST_F(TextCli, BadInputMissingDataPath) {
  expect_train_error("bad-missing-data", "--set data.path=" + shell_quote(path("no-such-corpus.txt")),
                     path("no-such-corpus.txt") + ": no such file or directory");
}

TEST_F(TextCli, BadInputDataPathNotGiven) {
  expect_train_error("bad-no-data-path", "--set data.path=", "data.path: has no value in --set 'data.path='");
}

TEST_F(TextCli, BadInputCorpusShorterThanContext) {
  write_file(path("short.txt"), "Too short for a context of 32 bytes.\n");
  expect_train_error("bad-short-corpus", "--set data.path=" + shell_quote(path("short.txt")),
                     "fewer than model.context + 2");
}

TEST_F(TextCli, BadInputUnknownConfigKey) {
  const std::string config = edited_config("typo.yaml", "  d_model: 32\n", "  dmodel: 32\n");
  expect_train_error("bad-typo", "", config + ": unknown key 'model.dmodel' (allowed here: ", config);
  expect_train_error("bad-typo", "", "d_model, dropout, mlp_hidden, n_head, n_layer", config);
}

TEST_F(TextCli, BadInputUnknownConfigKeyFromSet) {
  expect_train_error("bad-typo-set", "--set training.learning_rate=0.1", "unknown key 'training.learning_rate'");
}

TEST_F(TextCli, BadInputWrongValueType) {
  const std::string config = edited_config("abc.yaml", "  d_model: 32\n", "  d_model: abc\n");
  expect_train_error("bad-type", "", config + ": model.d_model: expected an integer, got 'abc'", config);
  expect_train_error("bad-type-set", "--set model.bias=maybe", "model.bias: expected true or false, got 'maybe'");
  expect_train_error("bad-type-map", "--set model=5", "model: expected a mapping of keys, got '5'");
}

TEST_F(TextCli, BadInputNegativeSizes) {
  const std::string config = edited_config("negative.yaml", "  n_layer: 2\n", "  n_layer: -2\n");
  expect_train_error("bad-negative", "", config + ": model.n_layer: must be at least 1, got -2", config);
  expect_train_error("bad-negative-batch", "--set data.batch_size=-4", "data.batch_size: must be at least 1, got -4");
  expect_train_error("bad-zero-steps", "--set training.max_steps=0", "training.max_steps: must be at least 1, got 0");
}

TEST_F(TextCli, BadInputHeadsNotDividingWidth) {
  expect_train_error("bad-heads", "--set model.n_head=3", "model.n_head: must divide d_model (32), got 3");
}

TEST_F(TextCli, BadInputUnknownTask) {
  const std::string config = edited_config("task.yaml", "task: text/language_model", "task: text/translation");
  // The list names every registered domain's tasks, whichever domains this build has.
  expect_train_error("bad-task", "", config + ": task: 'text/translation' is not one of: ", config);
  EXPECT_NE(train(path("bad-task-2"), "", config).err.find("text/language_model"), std::string::npos);
}

TEST_F(TextCli, BadInputUnknownChoice) {
  expect_train_error("bad-choice", "--set tokenizer.kind=wordpiece",
                     "tokenizer.kind: 'wordpiece' is not one of: byte, bpe");
}

TEST_F(TextCli, BadInputConfigNotYaml) {
  write_file(path("broken.yaml"), "task: text/language_model\nmodel: [1, 2\n");
  expect_train_error("bad-yaml", "", path("broken.yaml") + ": invalid YAML at line", path("broken.yaml"));
  write_file(path("prose.yaml"), "Just a sentence, not a mapping of keys.\n");
  expect_train_error("bad-prose", "", path("prose.yaml") + ": the config must be a mapping of keys", path("prose.yaml"));
}

TEST_F(TextCli, BadInputMissingConfigFile) {
  expect_train_error("bad-no-config", "", path("nowhere.yaml") + ": no such config file", path("nowhere.yaml"));
}

TEST_F(TextCli, BadInputSetWithoutEquals) {
  expect_train_error("bad-set", "--set training.lr", "--set expects key=value, got 'training.lr'");
}

// ---- bad input: generate, eval text ----

TEST_F(TextCli, BadInputCheckpointOfAnotherDomain) {
  io::CheckpointMeta meta;
  meta.architecture = "weather/forecaster";
  io::save_checkpoint(path("weather.h5"), {{"head/weight", Tensor::zeros({4, 4})}}, meta);
  const std::string expected = path("weather.h5") + ": holds a 'weather/forecaster' model, not a text language model";
  EXPECT_TRUE(one_line_error(generate(path("weather.h5"), "--prompt 'Rain' --max-tokens 5"), 2, expected));
  EXPECT_TRUE(one_line_error(
      run_tessera("eval text --checkpoint " + shell_quote(path("weather.h5")) + " --input " + shell_quote(corpus())), 2,
      expected));
}

TEST_F(TextCli, InfoVerifyRebuildsTheModelThroughItsDomain) {
  const CommandResult r = run_tessera("info --verify --checkpoint " + shell_quote(byte_model()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["domain"], "text");
  EXPECT_EQ(j["verified"], true);
}

TEST_F(TextCli, BadInputInfoVerifyOfAnArchitectureNoDomainKnows) {
  io::CheckpointMeta meta;
  meta.architecture = "weather/forecaster";
  io::save_checkpoint(path("unknown.h5"), {{"head/weight", Tensor::zeros({4, 4})}}, meta);
  const CommandResult plain = run_tessera("info --checkpoint " + shell_quote(path("unknown.h5")));
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_TRUE(nlohmann::json::parse(plain.out)["domain"].is_null()) << plain.out;
  EXPECT_TRUE(one_line_error(run_tessera("info --verify --checkpoint " + shell_quote(path("unknown.h5"))), 2,
                        "holds a 'weather/forecaster' model, which no domain of this build knows"));
}

// Two runs into one run directory would mix their configs, checkpoints and metrics: the second
// fails at once, naming the holder, while the first goes on.
TEST_F(TextCli, BadInputSecondRunIntoALockedRunDir) {
  const std::string run = path("locked-run");
  const std::string args = "train --config " + shell_quote(tiny_config()) + " --set data.path=" + shell_quote(corpus()) +
                           " --run-dir " + shell_quote(run) + " --set training.max_steps=1000000 --no-carbon";
  const CommandResult first = test_support::run_shell(std::string(TESSERA_BINARY) + " " + args + " > /dev/null 2>&1 & echo $!");
  const std::string pid = first.out.substr(0, first.out.find('\n'));
  ASSERT_FALSE(pid.empty()) << first.err;
  for (int i = 0; i < 600 && !fs::exists(run + "/config.yaml"); ++i) ::usleep(100000);
  const CommandResult second = run_tessera(args + " --resume");
  const bool first_still_runs = ::kill(std::stoi(pid), 0) == 0;
  ::kill(std::stoi(pid), SIGKILL);
  EXPECT_TRUE(one_line_error(second, 2, run + ": is in use by another run (pid " + pid + ")"));
  EXPECT_TRUE(first_still_runs);
}

// A refused run into a folder that was there already leaves the folder, without the lock file it
// made; a lock file from an earlier run stays.
TEST_F(TextCli, BadInputIntoAnExistingRunDirLeavesItAsItWas) {
  const std::string run = path("existing-run-dir");
  fs::create_directories(run);
  EXPECT_TRUE(one_line_error(train(run, "--set training.lr=-1"), 2, "training.lr"));
  EXPECT_TRUE(fs::is_directory(run));
  EXPECT_TRUE(fs::is_empty(run));
  write_file(run + "/.lock", "");
  EXPECT_TRUE(one_line_error(train(run, "--set training.lr=-1"), 2, "training.lr"));
  EXPECT_TRUE(fs::exists(run + "/.lock"));
}

// Outputs never replace what is not a regular file, and an unreadable stream is no corpus.
TEST_F(TextCli, BadInputDevicesAsInputOrOutput) {
  EXPECT_TRUE(one_line_error(run_tessera("eval text --checkpoint " + shell_quote(byte_model()) + " --input /dev/zero"), 2,
                        "/dev/zero: is not a regular file or a directory of files"));
  EXPECT_TRUE(one_line_error(train(path("dev-zero-run"), "--set data.path=/dev/zero"), 2,
                        "/dev/zero: is not a regular file or a directory of files"));
}

// Numbers from users are hostile: NaN passes CLI11's ranges, and a negative seed would wrap.
TEST_F(TextCli, BadInputNonFiniteOrNegativeFlags) {
  const std::string ckpt = byte_model();
  EXPECT_TRUE(one_line_error(generate(ckpt, "--temperature nan"), 2, "--temperature: must be a finite number"));
  EXPECT_TRUE(one_line_error(generate(ckpt, "--top-p nan"), 2, "--top-p: must be a finite number"));
  EXPECT_TRUE(one_line_error(generate(ckpt, "--seed -1"), 2, "--seed"));
  EXPECT_TRUE(one_line_error(train(path("nan-minutes"), "--max-minutes nan"), 2, "--max-minutes: must be a finite number"));
  EXPECT_TRUE(one_line_error(train(path("nan-intensity"), "--carbon-intensity nan"), 2, "--carbon-intensity: must be a finite number"));
  EXPECT_TRUE(one_line_error(generate(ckpt, "--device cuda:99999999999"), 2, "unknown device 'cuda:99999999999'"));
}

TEST_F(TextCli, BadInputPromptLongerThanContext) {
  const std::string ckpt = trained("context-16", "--set model.context=16 --set training.max_steps=2");
  ASSERT_TRUE(fs::exists(ckpt));
  EXPECT_TRUE(one_line_error(generate(ckpt, "--prompt " + std::string(100, 'x') + " --max-tokens 5"), 2,
                             "--prompt: the prompt is 100 tokens, longer than the model's context of 16"));
}

TEST_F(TextCli, BadInputMissingCheckpoint) {
  EXPECT_TRUE(one_line_error(generate(path("missing.h5"), "--prompt 'The'"), 2, path("missing.h5") + ": no such file"));
  EXPECT_TRUE(one_line_error(
      run_tessera("eval text --checkpoint " + shell_quote(path("missing.h5")) + " --input " + shell_quote(corpus())), 2,
      path("missing.h5") + ": no such file"));
  EXPECT_TRUE(one_line_error(run_tessera("generate --prompt 'The'"), 2, "--checkpoint is required"));
}

TEST_F(TextCli, BadInputEvalTextInput) {
  const std::string ckpt = byte_model();
  EXPECT_TRUE(one_line_error(run_tessera("eval text --checkpoint " + shell_quote(ckpt)), 2, "--input is required"));
  EXPECT_TRUE(one_line_error(
      run_tessera("eval text --checkpoint " + shell_quote(ckpt) + " --input " + shell_quote(path("absent.txt"))), 2,
      path("absent.txt") + ": no such file or directory"));
  write_file(path("one-byte.txt"), "x");
  EXPECT_TRUE(one_line_error(
      run_tessera("eval text --checkpoint " + shell_quote(ckpt) + " --input " + shell_quote(path("one-byte.txt"))), 2,
      path("one-byte.txt") + ": needs at least two tokens"));
}

}  // namespace
}  // namespace tessera
