// Fine-tuning through the executable (docs/finetuning.md): `tessera train --init-from` in the full,
// frozen and lora modes on a tiny molecule model, what each leaves in its checkpoint, adapter
// checkpoints on top of their base for predict and eval, exact resume, and the bad-input table.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "tests/support/checkpoint_tensors.h"
#include "tests/support/command.h"
#include "tests/support/one_line_error.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/slurp.h"
#include "tests/support/tiny_molecules.h"

namespace tessera::test_support {
namespace {

namespace fs = std::filesystem;
using Tensors = std::map<std::string, std::vector<char>>;

const char* kMoleculeConfig = TESSERA_SOURCE_DIR "/tests/configs/molecule-tiny.yaml";
const char* kTextConfig = TESSERA_SOURCE_DIR "/tests/configs/text-tiny.yaml";

void write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// The model's tensors of a checkpoint, without the optimizer moments.
Tensors parameters(const std::string& checkpoint) {
  Tensors out;
  for (auto& [name, bytes] : raw_tensors(checkpoint))
    if (!starts_with(name, "optimizer/")) out.emplace(name, bytes);
  return out;
}

bool all_zero(const std::vector<char>& bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == 0; });
}

class FinetuneCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_.emplace("FinetuneCli");
    dir_ = scratch_->str();
    csv_ = dir_ + "/tiny.csv";
    write(csv_, tiny_molecules_csv());
    write(dir_ + "/library.csv", "smiles\nCCO\nc1ccccc1\nCCCCN\n");
    const CommandResult r = train("base", "");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    base_ = dir_ + "/base/checkpoints/last.h5";
  }
  static void TearDownTestSuite() { scratch_.reset(); }

  static CommandResult train(const std::string& run, const std::string& flags) {
    return run_tessera(std::string("train --config ") + kMoleculeConfig + " --no-carbon --run-dir " + dir_ + "/" + run +
                       " --set data.path=" + csv_ + " " + flags);
  }
  static CommandResult finetune(const std::string& run, const std::string& mode, const std::string& flags = "",
                                const std::string& base = "") {
    return train(run, "--init-from " + shell_quote(base.empty() ? base_ : base) + " --set finetune.mode=" + mode + " " + flags);
  }
  static std::string checkpoint(const std::string& run) { return dir_ + "/" + run + "/checkpoints/last.h5"; }
  // The predictions of a checkpoint for library.csv (CSV text); empty when predict failed.
  static CommandResult predict(const std::string& ckpt, const std::string& out) {
    return run_tessera("predict molecule --no-carbon --checkpoint " + shell_quote(ckpt) + " --input " + dir_ +
                       "/library.csv --output " + dir_ + "/" + out);
  }

  static inline std::optional<ScratchDir> scratch_;
  static inline std::string dir_, csv_, base_;
};

TEST_F(FinetuneCli, InitFromCopiesEveryMatchingTensorAndRecordsItsBase) {
  // With lr 0 the run changes nothing: what it saves is what it loaded.
  const CommandResult r = finetune("copy", "full", "--set training.lr=0 --max-steps 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("21 of 21 parameter tensors from the base, 0 fresh"), std::string::npos) << r.err;
  EXPECT_EQ(parameters(checkpoint("copy")), parameters(base_));
  const std::string file = slurp(checkpoint("copy"));
  EXPECT_NE(file.find("init_from_checksum"), std::string::npos);
  EXPECT_NE(file.find(fs::absolute(base_).lexically_normal().string()), std::string::npos);

  ASSERT_EQ(train("fresh", "--set training.lr=0 --max-steps 1").exit_code, 0);
  ASSERT_EQ(predict(base_, "base.csv").exit_code, 0);
  ASSERT_EQ(predict(checkpoint("copy"), "copy.csv").exit_code, 0);
  ASSERT_EQ(predict(checkpoint("fresh"), "fresh.csv").exit_code, 0);
  EXPECT_EQ(slurp(dir_ + "/copy.csv"), slurp(dir_ + "/base.csv"));
  EXPECT_NE(slurp(dir_ + "/copy.csv"), slurp(dir_ + "/fresh.csv"));
}

TEST_F(FinetuneCli, FreshNamesParametersThatStartAnew) {
  // lr 0 keeps what each parameter started from: the head named fresh differs from the base's,
  // everything else is the base's.
  const CommandResult r = finetune("fresh-head", "full", "--set training.lr=0 --max-steps 1 --set 'finetune.fresh=[output]'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("19 of 21 parameter tensors from the base, 2 fresh"), std::string::npos) << r.err;
  const Tensors tuned = parameters(checkpoint("fresh-head")), base = parameters(base_);
  for (const auto& [name, bytes] : base)
    if (starts_with(name, "output/"))
      EXPECT_NE(tuned.at(name), bytes) << name << " starts fresh";
    else
      EXPECT_EQ(tuned.at(name), bytes) << name << " comes from the base";

  EXPECT_TRUE(one_line_error(finetune("fresh-typo", "full", "--set 'finetune.fresh=[outptu]'"), 2,
                             "finetune.fresh: 'outptu' names no parameter the base holds"));
  EXPECT_TRUE(one_line_error(finetune("fresh-trunk", "full", "--set 'finetune.fresh=[trunk/blocks]'"), 2,
                             "finetune.fresh: 'trunk/blocks' names the trunk layer"));
  EXPECT_FALSE(fs::exists(checkpoint("fresh-typo")));
}

TEST_F(FinetuneCli, AnotherDomainsCheckpointGivesOnlyTheTrunk) {
  write(dir_ + "/corpus.txt", std::string(4000, 'a') + "the quick brown fox jumps over the lazy dog");
  ASSERT_EQ(run_tessera(std::string("train --config ") + kTextConfig + " --no-carbon --max-steps 2 --run-dir " + dir_ +
                        "/text --set data.path=" + dir_ + "/corpus.txt")
                .exit_code,
            0);
  const std::string text = checkpoint("text");
  // The text trunk's shape: 2 blocks of width 32.
  const CommandResult r = finetune("from-text", "frozen", "--set model.d_model=32 --set model.n_layer=2", text);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("26 of 33 parameter tensors from the base, 7 fresh"), std::string::npos) << r.err;
  const Tensors mine = parameters(checkpoint("from-text")), theirs = parameters(text);
  for (const auto& [name, bytes] : mine)
    if (starts_with(name, "trunk/blocks/") || starts_with(name, "trunk/ln_f/")) {
      EXPECT_EQ(bytes, theirs.at(name)) << name;
    }
  EXPECT_TRUE(one_line_error(finetune("from-text-16", "full", "", text), 2,
                             "its trunk differs: 'trunk/blocks/0/ln1/weight' is [32] f32 there but [16] f32 in this model"));
}

// A multi-domain checkpoint (task: multi, text and molecule parts on one trunk of width 16) as a
// base: a molecule run takes its part; a lora fine-tune of the multi run itself resumes exactly and
// its molecule part predicts on top of the base.
TEST_F(FinetuneCli, MultiDomainCheckpointAsBaseAndLoraOfAMultiRun) {
  write(dir_ + "/multi-corpus.txt", std::string(3000, 'b') + " the lazy dog sleeps");
  write(dir_ + "/multi.yaml", "task: multi\nparts:\n  text:\n    task: text/language_model\n    data: {path: " + dir_ +
                                  "/multi-corpus.txt, batch_size: 4}\n    model: {context: 32, d_model: 16, n_layer: 1, "
                                  "n_head: 2}\n  molecule:\n    task: molecule/property\n    data: {path: " + csv_ +
                                  ", smiles_column: smiles, id_column: name, targets: [y], batch_size: 8}\n    model: "
                                  "{d_model: 16, n_layer: 1, n_head: 2, max_atoms: 32, descriptors: true}\ntraining:\n  "
                                  "max_steps: 6\n  lr: 1.0e-3\n  eval_batches: 1\n  seed: 3\n  threads: 1\n");
  auto multi = [&](const std::string& run, const std::string& flags) {
    return run_tessera("train --config " + dir_ + "/multi.yaml --no-carbon --run-dir " + dir_ + "/" + run + " " + flags);
  };
  ASSERT_EQ(multi("multi-base", "").exit_code, 0);
  const std::string base = checkpoint("multi-base");

  const CommandResult part = finetune("from-multi", "frozen", "--set training.lr=0 --max-steps 1", base);
  ASSERT_EQ(part.exit_code, 0) << part.err;
  EXPECT_NE(part.err.find("21 of 21 parameter tensors from the base"), std::string::npos) << part.err;
  const Tensors stored = raw_tensors(base), mine = parameters(checkpoint("from-multi"));
  for (const auto& [name, bytes] : mine) {
    const std::string in_base = stored.count("molecule/" + name) ? "molecule/" + name : name;
    ASSERT_EQ(stored.count(in_base), 1u) << name;
    EXPECT_EQ(bytes, stored.at(in_base)) << name;
  }

  const std::string lora = "--init-from " + base + " --set finetune.mode=lora";
  ASSERT_EQ(multi("multi-lora", lora).exit_code, 0);
  ASSERT_EQ(multi("multi-lora-parts", lora + " --max-steps 3").exit_code, 0);
  const CommandResult resumed = multi("multi-lora-parts", lora + " --resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(raw_tensors(checkpoint("multi-lora")), raw_tensors(checkpoint("multi-lora-parts")));
  const CommandResult p = predict(checkpoint("multi-lora"), "multi-lora.csv");
  EXPECT_EQ(p.exit_code, 0) << p.err;
}

TEST_F(FinetuneCli, FrozenTrunkStaysBitIdenticalWhileTheHeadTrains) {
  const CommandResult r = finetune("frozen", "frozen", "--set training.lr=1e-2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Tensors before = parameters(base_), after = parameters(checkpoint("frozen"));
  ASSERT_EQ(before.size(), after.size());
  int trunk = 0, changed = 0;
  for (const auto& [name, bytes] : after) {
    if (starts_with(name, "trunk/")) {
      ++trunk;
      EXPECT_EQ(bytes, before.at(name)) << name;
    } else {
      changed += bytes != before.at(name);
    }
  }
  EXPECT_EQ(trunk, 14);
  EXPECT_GT(changed, 0);
  // No moments for what does not train: the optimizer memory that frozen saves.
  for (const auto& [name, bytes] : raw_tensors(checkpoint("frozen")))
    if (starts_with(name, "optimizer/")) {
      EXPECT_EQ(name.find("/trunk/"), std::string::npos) << name;
    }
}

TEST_F(FinetuneCli, LoraTrainsAdaptersAndHeadsAndItsCheckpointLoadsOnItsBase) {
  const std::string base_bytes = slurp(base_);
  ASSERT_EQ(finetune("full", "full").exit_code, 0);
  const CommandResult r = finetune("lora", "lora", "--set finetune.lora.rank=2 --set training.lr=1e-2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(slurp(base_), base_bytes);
  const Tensors adapters = parameters(checkpoint("lora")), base = parameters(base_);
  for (const auto& [name, bytes] : base)
    if (starts_with(name, "trunk/")) {
      EXPECT_EQ(adapters.count(name), 0u) << name << " belongs to the base";
    }
  for (const char* layer : {"attn/qkv", "attn/proj", "mlp/fc", "mlp/proj"}) {
    const std::string prefix = std::string("trunk/blocks/0/") + layer + "/lora/";
    ASSERT_EQ(adapters.count(prefix + "a"), 1u) << prefix;
    EXPECT_FALSE(all_zero(adapters.at(prefix + "b"))) << prefix << "b never trained";
  }
  EXPECT_NE(adapters.at("output/weight"), base.at("output/weight"));
  size_t adapter_bytes = 0, full_bytes = 0;
  for (const auto& [name, bytes] : adapters) adapter_bytes += bytes.size();
  for (const auto& [name, bytes] : parameters(checkpoint("full"))) full_bytes += bytes.size();
  EXPECT_LT(adapter_bytes, full_bytes);

  ASSERT_EQ(predict(base_, "base-lora.csv").exit_code, 0);
  const CommandResult p = predict(checkpoint("lora"), "lora.csv");
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_NE(slurp(dir_ + "/lora.csv"), slurp(dir_ + "/base-lora.csv"));
  const CommandResult e = run_tessera("eval molecule --no-carbon --checkpoint " + checkpoint("lora") + " --input " + csv_);
  EXPECT_EQ(e.exit_code, 0) << e.err;
}

TEST_F(FinetuneCli, AdapterCheckpointRefusesAChangedOrMissingBaseInOneLine) {
  const std::string copy = dir_ + "/base-copy.h5";
  fs::copy_file(base_, copy);
  ASSERT_EQ(finetune("lora-copy", "lora", "", copy).exit_code, 0);
  ASSERT_EQ(predict(checkpoint("lora-copy"), "ok.csv").exit_code, 0);
  const std::string adapters = checkpoint("lora-copy");
  std::ofstream(copy, std::ios::app) << 'x';
  EXPECT_TRUE(one_line_error(predict(adapters, "changed.csv"), 2, adapters + ": was fine-tuned from " + copy));
  EXPECT_TRUE(one_line_error(train("lora-copy", "--init-from " + copy + " --set finetune.mode=lora --resume"), 2,
                             "that file has changed since"));
  fs::remove(copy);
  EXPECT_TRUE(one_line_error(predict(adapters, "missing.csv"), 2, "its base checkpoint " + copy + " is missing"));
  EXPECT_FALSE(fs::exists(dir_ + "/changed.csv"));
  EXPECT_FALSE(fs::exists(dir_ + "/missing.csv"));
}

TEST_F(FinetuneCli, ResumeOfEveryModeIsExact) {
  for (const std::string mode : {"full", "frozen", "lora"}) {
    const std::string whole = "whole-" + mode, parts = "parts-" + mode, dropout = " --set finetune.lora.dropout=0.2";
    const std::string flags = mode == "lora" ? dropout : "";
    const CommandResult a = finetune(whole, mode, flags);
    ASSERT_EQ(a.exit_code, 0) << a.err;
    ASSERT_EQ(finetune(parts, mode, flags + " --max-steps 3").exit_code, 0);
    const CommandResult b = finetune(parts, mode, flags + " --resume");
    ASSERT_EQ(b.exit_code, 0) << b.err;
    EXPECT_EQ(nlohmann::json::parse(a.out)["loss"], nlohmann::json::parse(b.out)["loss"]) << mode;
    EXPECT_EQ(raw_tensors(checkpoint(whole)), raw_tensors(checkpoint(parts))) << mode;
  }
}

TEST_F(FinetuneCli, BadInitFromIsOneLineAndWritesNoCheckpoint) {
  write(dir_ + "/garbage.h5", std::string(3000, '\x7f'));
  const std::string whole = slurp(base_);
  write(dir_ + "/truncated.h5", whole.substr(0, whole.size() / 2));
  ASSERT_EQ(mkfifo((dir_ + "/fifo.h5").c_str(), 0600), 0);
  ASSERT_EQ(finetune("adapters", "lora", "--max-steps 1").exit_code, 0);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--init-from " + dir_ + "/absent.h5", "absent.h5: no such file"},
      {"--init-from " + dir_ + "/garbage.h5", "not an HDF5 checkpoint"},
      {"--init-from " + dir_ + "/truncated.h5", "truncated"},
      {"--init-from " + csv_, "not an HDF5 checkpoint"},
      {"--init-from " + dir_, "is a directory"},
      {"--init-from " + dir_ + "/fifo.h5", "is a device, FIFO or socket"},
      {"--init-from /dev/zero", "is a device, FIFO or socket"},
      {"--init-from ''", "--init-from: names no checkpoint"},
      {"--init-from " + checkpoint("adapters"), "holds LoRA adapters, not a whole model; fine-tune from its base"},
      {"--init-from " + base_ + " --set model.d_model=32", "its trunk differs"},
      {"--init-from " + base_ + " --set finetune.mode=lora --set finetune.lora.rank=0", "finetune.lora.rank"},
      {"--init-from " + base_ + " --set finetune.mode=lora --set finetune.lora.rank=-3", "finetune.lora.rank"},
      {"--init-from " + base_ + " --set finetune.mode=lora --set finetune.lora.alpha=.nan", "finetune.lora.alpha"},
      {"--init-from " + base_ + " --set finetune.mode=lora --set finetune.lora.dropout=1", "finetune.lora.dropout"},
      {"--init-from " + base_ + " --set finetune.mode=lora --set finetune.lora.targets=[attn.out]",
       "finetune.lora.targets: unknown layer 'attn.out'"},
      {"--init-from " + base_ + " --set finetune.mode=partial", "finetune.mode"},
      {"--set finetune.mode=frozen", "finetune.init_from: names no checkpoint"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::string run = "bad-" + std::to_string(i);
    EXPECT_TRUE(one_line_error(train(run, cases[i].first), 2, cases[i].second)) << cases[i].first;
    EXPECT_FALSE(fs::exists(checkpoint(run))) << cases[i].first;
  }
}

TEST_F(FinetuneCli, InitFromTheRunsOwnCheckpointIsRefused) {
  ASSERT_EQ(finetune("own", "frozen", "--max-steps 2").exit_code, 0);
  const std::string own = checkpoint("own"), before = slurp(own);
  const CommandResult r = train("own", "--init-from " + own + " --set finetune.mode=frozen --resume");
  EXPECT_TRUE(one_line_error(r, 2, "the checkpoint this run writes"));
  EXPECT_EQ(slurp(own), before);
}

}  // namespace
}  // namespace tessera::test_support
