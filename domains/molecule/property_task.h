#pragma once
// Training a molecular property model: the data file read once into prepared graphs, split
// (random or scaffold, seeded), targets standardized and descriptors normalized with training-split
// statistics; batches drawn from the trainer's generator, so a resumed run sees the same batches.
// With model.mask_fraction > 0 the masked-atom objective trains beside the property loss (or
// alone, on molecules without targets: pre-training); each is a named part of the metrics.
#include <memory>
#include <string>
#include <vector>

#include "core/task/task.h"
#include "domains/molecule/molecule_model_spec.h"
#include "domains/molecule/property_batches.h"

namespace tessera::molecule {

// The split of a molecule set as the data section defines it (also how eval recomputes it).
Split split_molecule_set(const MoleculeSet& set, const SplitSpec& spec);

// The training split's normalization: target statistics (identity for classification) and
// descriptor statistics (when the examples have descriptors).
PropertyNormalization fit_normalization(const MoleculeSet& set, const std::vector<int64_t>& train, bool classification);

Examples examples_of(const MoleculeSet& set, const std::vector<int64_t>& indices);

class PropertyTask : public Task {
 public:
  explicit PropertyTask(config::Section& root);

  std::string architecture() const override { return kArchitecture; }
  nn::Module& model() override { return *model_; }
  nn::Trunk& trunk() override { return model_->trunk; }
  void initialize(uint64_t seed) override { model_->initialize(seed); }
  Tensor train_loss(Generator& data) override;
  double eval_loss(int64_t batches) override;
  std::map<std::string, LossSum> take_loss_parts() override;
  std::map<std::string, double> eval_loss_parts() const override { return eval_parts_; }
  int64_t items_per_batch() const override { return data_.batch_size; }
  std::map<std::string, Generator*> model_generators() override;
  std::map<std::string, std::string> checkpoint_attributes() const override;
  std::string describe() const override;

 private:
  MoleculeDataSpec data_;
  MoleculeModelSpec spec_;
  MoleculeSet set_;
  Split split_;
  PropertyNormalization normalization_;
  std::unique_ptr<PropertyModel> model_;
  std::map<std::string, std::vector<Tensor>> train_parts_;  // detached, since the last take_loss_parts
  std::map<std::string, double> eval_parts_;

  struct Losses {
    Tensor property, masked_atoms, total;  // each undefined when that objective is off
  };
  // The objectives on `batch`; masks atoms with `masking` when the masked-atom objective is on.
  // `masked_only`: the property loss on the masked molecules too, so one forward pass serves both.
  Losses losses(const Examples& batch, Generator& masking, bool masked_only) const;
};

}  // namespace tessera::molecule
