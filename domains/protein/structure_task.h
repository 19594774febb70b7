#pragma once
// Training a protein structure model: chains split by sequence identity (training_chains.h),
// batches of random crops (data.crop_size residues) drawn from the trainer's generator, one
// identity cluster at a time so that a family of near-identical chains counts as one; the loss
// is the distogram cross-entropy (pairs without C-beta masked) plus the pLDDT and masked-residue
// cross-entropies.
#include <memory>
#include <string>
#include <vector>

#include "core/task/task.h"
#include "domains/protein/protein_model_spec.h"
#include "domains/protein/training_chains.h"

namespace tessera::protein {

class StructureTask : public Task {
 public:
  explicit StructureTask(config::Section& root);

  std::string architecture() const override { return kArchitecture; }
  StructureModel& model() override { return *model_; }
  nn::Trunk& trunk() override { return model_->trunk; }
  void initialize(uint64_t seed) override { initialize_structure_model(*model_, seed); }
  Tensor train_loss(Generator& data) override;
  double eval_loss(int64_t batches) override;
  int64_t items_per_batch() const override { return batch_size_ * crop_size_; }
  std::map<std::string, Generator*> model_generators() override;
  std::map<std::string, std::string> checkpoint_attributes() const override;
  std::string describe() const override;
  const TrainingChains& data() const { return data_; }

 private:
  struct Crop {
    const ProteinChain* chain;
    size_t start;
    int64_t length;
  };
  struct Batch {
    std::vector<Crop> crops;
    Tensor tokens, residue_targets, distogram_targets;
  };
  Batch draw(const std::vector<std::vector<const ProteinChain*>>& clusters, Generator& g) const;
  Tensor loss(const Batch& b) const;

  ProteinModelSpec spec_;
  std::vector<std::string> data_paths_;
  int64_t batch_size_ = 0, crop_size_ = 0;
  TrainingChains data_;
  std::vector<std::vector<const ProteinChain*>> train_clusters_, validation_clusters_;
  SeparationBaseline baseline_;
  std::unique_ptr<StructureModel> model_;
};

}  // namespace tessera::protein
