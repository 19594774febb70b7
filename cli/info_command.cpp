#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "core/io/checkpoint.h"

namespace tessera::cli {
namespace {

// Summarizes a checkpoint without building its model: sizes per top-level module.
void describe_checkpoint(const std::string& path) {
  const io::CheckpointMeta meta = io::read_checkpoint_meta(path);
  const auto tensors = io::list_checkpoint_tensors(path);
  std::map<std::string, int64_t> per_module;
  int64_t parameters = 0, optimizer_values = 0;
  for (const auto& t : tensors) {
    const int64_t n = shape_numel(t.shape);
    const std::string top = t.name.substr(0, t.name.find('/'));
    if (top == "optimizer") {
      optimizer_values += n;
    } else {
      per_module[top] += n;
      parameters += n;
    }
  }
  nlohmann::ordered_json j = {{"checkpoint", path},
                              {"architecture", meta.architecture},
                              {"step", meta.step},
                              {"parameters", parameters},
                              {"modules", per_module},
                              {"tensors", tensors.size()},
                              {"optimizer_values", optimizer_values}};
  j["config"] = meta.config;
  for (const auto& [name, g] : meta.rng) j["rng"][name] = {{"seed", g.seed()}, {"counter", g.counter()}};
  for (const auto& [name, text] : meta.attributes) {
    // Attributes holding JSON (a tokenizer) are summarized, not dumped: a BPE table is long.
    nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
    if (value.is_object() && value.contains("kind"))
      j["attributes"][name] = {{"kind", value["kind"]}, {"vocab_size", value.value("vocab_size", 256)}};
    else
      j["attributes"][name] = text;
  }
  std::cout << j.dump(2) << std::endl;
}

}  // namespace

void add_info_command(CLI::App& app, Action& action) {
  CLI::App* info = app.add_subcommand(
      "info", "Describe a checkpoint: architecture, parameters per module, step, tokenizer, config (JSON)");
  auto path = std::make_shared<std::string>();
  info->add_option("--checkpoint", *path, "Checkpoint file (.h5)")->required();
  info->callback([path, &action] {
    action = [path] {
      describe_checkpoint(*path);
      return 0;
    };
  });
}

}  // namespace tessera::cli
