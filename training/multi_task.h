#pragma once
// `task: multi`: one trunk trained on the batches of several domains. Each entry of the config's
// `parts` section is a domain's usual run config (task, data, model ...; not `training`, which is
// the multi run's) plus its sampling `weight`; every micro-batch comes from one part, drawn with
// probability proportional to weight^(1/sampling_temperature) from the trainer's data generator, so
// resume and data parallelism stay exact. Every part's model runs on the layers of one shared trunk
// (nn::Trunk::share_layers); positions, modality embeddings and heads stay each part's own. The
// checkpoint is a multi-domain one (core/task/model_parts.h): every domain's commands load their
// part from it.
#include <memory>
#include <string>
#include <vector>

#include "core/task/task.h"

namespace tessera::training {

class MultiTask : public Task {
 public:
  // Builds each part through the task registry (`make_task`); a part that is itself `multi`, two
  // parts of one architecture, or trunks of different shapes are ConfigErrors.
  explicit MultiTask(config::Section& root);
  ~MultiTask() override;

  std::string architecture() const override;
  nn::Module& model() override;
  nn::Trunk& trunk() override;
  void initialize(uint64_t seed) override;
  void to(Device device) override;
  Tensor train_loss(Generator& data) override;
  double eval_loss(int64_t batches) override;
  int64_t items_per_batch() const override;
  std::map<std::string, Generator*> model_generators() override;
  std::map<std::string, std::string> checkpoint_attributes() const override;
  std::map<std::string, LossSum> take_loss_parts() override;
  std::map<std::string, double> eval_loss_parts() const override;
  std::string describe() const override;

 private:
  struct Part;
  class Model;
  std::vector<Part> parts_;
  std::unique_ptr<Model> model_;
};

// Makes `task: multi` known to make_task.
void register_multi_task();

}  // namespace tessera::training
