#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "core/io/checkpoint.h"
#include "core/task/model_parts.h"
#include "core/util/error.h"
#include "domains/plugin/domain_registry.h"

namespace tessera::cli {
namespace {

struct InfoFlags {
  std::string checkpoint;
  bool verify = false;
};

// Summarizes a checkpoint without building its model (sizes per top-level module); --verify
// builds it through the domain that registered its architecture (each part's, for a multi-domain
// checkpoint).
int describe_checkpoint(const InfoFlags& f) {
  const std::string& path = f.checkpoint;
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
  // A multi-domain checkpoint is one model per part; each part is its domain's.
  std::vector<ModelPart> parts = meta.architecture == kMultiDomainArchitecture ? model_parts(meta, path)
                                                                             : std::vector<ModelPart>{{"", meta.architecture}};
  std::vector<std::pair<const domains::DomainModel*, std::string>> models;
  nlohmann::ordered_json domain_names = nlohmann::ordered_json::array();
  for (const ModelPart& part : parts) {
    std::string domain;
    models.emplace_back(domains::find_model(part.architecture, &domain), part.architecture);
    domain_names.push_back(models.back().first ? nlohmann::ordered_json(domain) : nlohmann::ordered_json());
  }
  nlohmann::ordered_json j = {{"checkpoint", path},
                              {"architecture", meta.architecture},
                              {"domain", parts.front().name.empty() ? domain_names[0] : domain_names},
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
  if (!parts.front().name.empty())
    for (const ModelPart& part : parts) j["parts"].push_back({{"name", part.name}, {"architecture", part.architecture}});
  if (f.verify) {
    for (const auto& [model, architecture] : models) {
      if (!model) throw CheckpointError(path, "holds a '" + architecture + "' model, which no domain of this build knows");
      model->load(path, Device::cpu());
    }
    j["verified"] = true;
  }
  std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
  return 0;
}

}  // namespace

void add_info_command(CLI::App& app, Action& action) {
  CLI::App* info = app.add_subcommand(
      "info", "Describe a checkpoint: architecture, parameters per module, step, tokenizer, config (JSON)");
  auto f = std::make_shared<InfoFlags>();
  info->add_option("--checkpoint", f->checkpoint, "Checkpoint file (.h5)")->required();
  info->add_flag("--verify", f->verify,
                 "Also rebuild the model through its domain, checking every tensor's name, shape and checksum");
  on_parsed(info, action, f, describe_checkpoint);
}

}  // namespace tessera::cli
