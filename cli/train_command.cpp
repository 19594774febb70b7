#include <csignal>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/carbon_options.h"
#include "cli/commands.h"
#include "domains/plugin/flag_checks.h"
#include "core/config/config.h"
#include "core/dist/communicator.h"
#include "core/dist/session.h"
#include "core/task/task.h"
#include "core/util/error.h"
#include "training/multi_task.h"
#include "training/run_dir_lock.h"
#include "training/trainer.h"

namespace tessera::cli {
namespace {

struct TrainFlags {
  std::string config;
  std::vector<std::string> overrides;
  std::string run_dir;
  bool resume = false;
  int64_t max_steps = -1;
  double max_minutes = -1;
  CarbonFlags carbon;
  std::string device;  // empty: training.device from the config
  std::string init_from;  // empty: finetune.init_from from the config, if any
};

int run_training(const TrainFlags& f) {
  namespace fs = std::filesystem;
  dist::DistributedSession session;  // MPI when started by mpirun or srun
  const std::string run_dir = f.run_dir.empty() ? "runs/" + fs::path(f.config).stem().string() : f.run_dir;
  // Rank 0 alone writes the run directory, so it alone holds the lock.
  std::unique_ptr<training::RunDirLock> lock;
  if (dist::world().is_root()) lock = std::make_unique<training::RunDirLock>(run_dir);
  std::vector<std::string> overrides = f.overrides;
  // As a --set, the flag lands in the effective config, which a resumed run must repeat.
  if (!f.init_from.empty()) overrides.push_back("finetune.init_from=" + nlohmann::json(f.init_from).dump());
  config::ConfigFile file = config::ConfigFile::load(f.config, overrides);
  config::Section root = file.root();
  std::unique_ptr<CarbonScope> carbon =
      start_carbon(carbon_settings(f.carbon, root.section("carbon")), "train", run_dir, "other");
  training::register_multi_task();
  std::unique_ptr<Task> task = make_task(root);
  const training::TrainerConfig trainer = training::TrainerConfig::read(root.section("training"));
  const training::FinetuneConfig finetune =
      root.has("finetune") ? training::FinetuneConfig::read(root.section("finetune")) : training::FinetuneConfig{};
  root.finish();

  training::RunOptions options{run_dir,  f.resume, f.max_steps, f.max_minutes, file.effective_yaml(),
                               carbon ? carbon->phase_listener() : training::PhaseListener(), f.device};
  options.finetune = finetune;
  const training::RunResult r = training::train(*task, trainer, options);
  if (carbon) carbon->finish();
  if (!dist::world().is_root()) return r.interrupted_by ? 128 + r.interrupted_by : 0;
  nlohmann::ordered_json j = {{"run_dir", run_dir}, {"step", r.step}};
  if (r.last_loss) j["loss"] = *r.last_loss;
  j["checkpoint"] = run_dir + "/checkpoints/last.h5";
  if (r.eval_loss >= 0) j["eval_loss"] = r.eval_loss;
  if (r.interrupted_by) {
    j["interrupted_by"] = r.interrupted_by == SIGINT ? "SIGINT" : "SIGTERM";
    std::cerr << "tessera: interrupted at step " << r.step << "; checkpoint saved, continue with --resume\n";
  }
  print_result(j);
  return r.interrupted_by ? 128 + r.interrupted_by : 0;
}

}  // namespace

void add_train_command(CLI::App& app, Action& action) {
  auto f = std::make_shared<TrainFlags>();
  CLI::App* train = app.add_subcommand("train", "Train a model from a YAML run config");
  train->add_option("--config", f->config, "Run config (YAML), e.g. one of configs/<domain>/")->required();
  train->add_option("--set", f->overrides, "Override a config value: --set training.lr=1e-3 (repeatable)");
  train->add_option("--run-dir", f->run_dir,
                    "Run directory: config.yaml, metrics.jsonl, checkpoints/last.h5, carbon reports (default: runs/<config name>)");
  train->add_flag("--resume", f->resume, "Continue the run in --run-dir exactly where its last checkpoint left off");
  train->add_option("--max-steps", f->max_steps, "Stop at this step whatever the config says")->check(CLI::PositiveNumber);
  train->add_option("--max-minutes", f->max_minutes, "Stop (and save) after this many minutes")
      ->check(domains::finite_number())
      ->check(CLI::NonNegativeNumber);
  train->add_option("--init-from", f->init_from,
                    "Fine-tune from this checkpoint (overrides finetune.init_from; see docs/finetuning.md)")
      ->check(CLI::Validator([](std::string& path) { return path.empty() ? std::string("names no checkpoint") : std::string(); },
                             "CHECKPOINT"));
  add_carbon_flags(*train, f->carbon);
  add_device_option(train, f->device)->description("Where to train: cpu, cuda or cuda:N (default: training.device)");
  on_parsed(train, action, f, run_training);
}

}  // namespace tessera::cli
