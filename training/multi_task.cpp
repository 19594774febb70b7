#include "training/multi_task.h"

#include <cmath>
#include <cstdio>
#include <regex>

#include "core/task/model_parts.h"
#include "core/util/error.h"

namespace tessera::training {

struct MultiTask::Part {
  std::string name;
  double probability = 0;
  std::unique_ptr<Task> task;
  std::vector<Tensor> losses;  // this step's training losses, detached; read when taken
  double eval_loss = 0;
};

// The shared trunk under "trunk/" first, so its layers are stored once under their own names,
// then every part's model under the part's name.
class MultiTask::Model : public nn::Module {
 public:
  explicit Model(const nn::TrunkConfig& shared) : trunk(shared) { register_module("trunk", trunk); }
  void add_part(const std::string& name, nn::Module& model) { register_module(name, model); }
  nn::Trunk trunk;
};

namespace {

// The layers every part shares, from the first part's trunk: no positions or modality rows of its
// own (those stay each part's), no dropout generator in use.
nn::TrunkConfig shared_trunk_config(nn::TrunkConfig c) {
  c.position = nn::PositionKind::none;
  c.n_modalities = 0;
  return c;
}

}  // namespace

MultiTask::MultiTask(config::Section& root) {
  const double temperature = root.number("sampling_temperature", 1.0, 1e-3, 1e3);
  config::Section parts = root.section(kPartsSection);
  const std::vector<std::string> names = parts.keys();
  if (names.empty()) root.fail("parts", "a multi-domain run needs at least one part (parts: {<name>: <a domain's run config>})");
  double total = 0;
  for (const std::string& name : names) {
    if (!std::regex_match(name, std::regex("[a-z][a-z0-9_]*")) || name == "trunk" || name == "optimizer")
      parts.fail(name, "part names are lower-case words other than 'trunk' and 'optimizer'");
    config::Section section = parts.section(name);
    Part p;
    p.name = name;
    p.probability = std::pow(section.number("weight", 1.0, 0.0, 1e9), 1.0 / temperature);
    if (section.text("task", "") == kMultiDomainArchitecture) section.fail("task", "a part cannot itself be multi");
    p.task = make_task(section);
    section.finish();
    for (const Part& q : parts_)
      if (q.task->architecture() == p.task->architecture())
        parts.fail(name, "parts " + q.name + " and " + name + " both train " + p.task->architecture() +
                             " (one part per kind of model)");
    total += p.probability;
    parts_.push_back(std::move(p));
  }
  parts.finish();
  if (!(total > 0)) parts.fail(names.front(), "every part has weight 0");
  for (Part& p : parts_) p.probability /= total;
  model_ = std::make_unique<Model>(shared_trunk_config(parts_.front().task->trunk().config()));
  for (Part& p : parts_) {
    try {
      p.task->trunk().share_layers(model_->trunk);
    } catch (const ConfigError& e) {
      parts.section(p.name).fail("model", e.what());
    }
    model_->add_part(p.name, p.task->model());
  }
}

MultiTask::~MultiTask() = default;

std::string MultiTask::architecture() const { return kMultiDomainArchitecture; }
nn::Module& MultiTask::model() { return *model_; }
nn::Trunk& MultiTask::trunk() { return model_->trunk; }

void MultiTask::initialize(uint64_t seed) {
  // Each part initializes its own model, shared layers included; the last part's draw of the
  // shared layers is the one that stays, the same on every run with this seed.
  for (size_t i = 0; i < parts_.size(); ++i) parts_[i].task->initialize(splitmix64(seed + i));
}

void MultiTask::to(Device device) {
  for (Part& p : parts_) p.task->to(device);
}

Tensor MultiTask::train_loss(Generator& data) {
  const double u = data.uniform();
  size_t i = 0;
  for (double cumulative = parts_[0].probability; i + 1 < parts_.size() && u >= cumulative;)
    cumulative += parts_[++i].probability;
  Part& p = parts_[i];
  Tensor loss = p.task->train_loss(data);
  p.losses.push_back(loss.detach());
  return loss;
}

double MultiTask::eval_loss(int64_t batches) {
  double mean = 0;
  for (Part& p : parts_) {
    p.eval_loss = p.task->eval_loss(batches);
    mean += p.probability * p.eval_loss;
  }
  return mean;
}

int64_t MultiTask::items_per_batch() const {
  double items = 0;
  for (const Part& p : parts_) items += p.probability * static_cast<double>(p.task->items_per_batch());
  return static_cast<int64_t>(std::llround(items));
}

std::map<std::string, Generator*> MultiTask::model_generators() {
  std::map<std::string, Generator*> all;
  for (Part& p : parts_)
    for (const auto& [name, g] : p.task->model_generators()) all[p.name + "/" + name] = g;
  return all;
}

std::map<std::string, std::string> MultiTask::checkpoint_attributes() const {
  std::map<std::string, std::string> all;
  std::vector<ModelPart> listed;
  for (const Part& p : parts_) {
    listed.push_back({p.name, p.task->architecture()});
    for (const auto& [name, value] : p.task->checkpoint_attributes()) all[p.name + "/" + name] = value;
  }
  all["parts"] = model_parts_json(listed);
  return all;
}

std::map<std::string, LossSum> MultiTask::take_loss_parts() {
  std::map<std::string, LossSum> taken;
  for (Part& p : parts_) {
    LossSum& s = taken[p.name];
    for (const Tensor& loss : p.losses) s.sum += loss.item();
    s.count = static_cast<int64_t>(p.losses.size());
    p.losses.clear();
    // A part's own parts (the molecule task's masked-atom objective), so that none piles up.
    for (const auto& [name, own] : p.task->take_loss_parts()) taken[p.name + "/" + name] = own;
  }
  return taken;
}

std::map<std::string, double> MultiTask::eval_loss_parts() const {
  std::map<std::string, double> losses;
  for (const Part& p : parts_) losses[p.name] = p.eval_loss;
  return losses;
}

std::string MultiTask::describe() const {
  std::string line = "multi-domain, one trunk (" + std::to_string(model_->trunk.num_parameters()) + " shared parameters):";
  for (const Part& p : parts_) {
    char share[32];
    std::snprintf(share, sizeof share, " [%s %.0f%%] ", p.name.c_str(), 100.0 * p.probability);
    line += share + p.task->describe();
  }
  return line;
}

void register_multi_task() {
  register_task(kMultiDomainArchitecture, [](config::Section& root) { return std::make_unique<MultiTask>(root); });
}

}  // namespace tessera::training
