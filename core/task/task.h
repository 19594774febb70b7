#pragma once
// What the trainer needs from a domain: a model, a way to draw a training loss, a validation
// loss, and what else belongs in its checkpoints. The trainer never learns which domain it runs.
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/nn/module.h"
#include "core/nn/transformer.h"
#include "core/util/rng.h"
#include "core/config/config.h"

namespace tessera {

struct LossSum {
  double sum = 0;
  int64_t count = 0;
};

class Task {
 public:
  virtual ~Task() = default;
  // Recorded in checkpoints; a checkpoint only loads into a task of the same architecture.
  virtual std::string architecture() const = 0;
  virtual nn::Module& model() = 0;
  // The model's transformer trunk: what multi-domain training shares between domains and what
  // fine-tuning freezes or adapts.
  virtual nn::Trunk& trunk() = 0;
  // Initializes the parameters of a fresh run from `seed`.
  virtual void initialize(uint64_t seed) = 0;
  // Moves the model to `device`; batches are then made on the model's device.
  virtual void to(Device device) { model().to(device); }
  // Loss of one freshly drawn training micro-batch (data order comes from `data`).
  virtual Tensor train_loss(Generator& data) = 0;
  // Mean validation loss over `batches` batches drawn from a fixed generator, so every
  // evaluation of a run sees the same data.
  virtual double eval_loss(int64_t batches) = 0;
  // Training losses by part since the last call (one per domain of a multi-domain task), as sums
  // and counts; every rank returns the same names, so the trainer can sum them over ranks.
  virtual std::map<std::string, LossSum> take_loss_parts() { return {}; }
  // Validation losses by part of the last eval_loss.
  virtual std::map<std::string, double> eval_loss_parts() const { return {}; }
  // Items (tokens, samples) per micro-batch, for throughput.
  virtual int64_t items_per_batch() const = 0;
  // Random generators the model itself owns (dropout), saved and restored with the run.
  virtual std::map<std::string, Generator*> model_generators() { return {}; }
  // Extra text stored with each checkpoint (e.g. the tokenizer), by name.
  virtual std::map<std::string, std::string> checkpoint_attributes() const { return {}; }
  // One line describing data and model, printed when training starts.
  virtual std::string describe() const = 0;
};

// Builds a task from the root of a run config ("task: <name>" selects the factory).
using TaskFactory = std::function<std::unique_ptr<Task>(config::Section& root)>;

void register_task(const std::string& name, TaskFactory factory);
std::unique_ptr<Task> make_task(config::Section& root);

}  // namespace tessera
