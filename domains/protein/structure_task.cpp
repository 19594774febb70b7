#include "domains/protein/structure_task.h"

#include <cmath>
#include <cstdio>
#include <map>

#include "core/autograd/autograd.h"
#include "core/util/error.h"
#include "core/util/seeded_subset.h"
#include "domains/protein/distance_lddt.h"
#include "domains/protein/distogram_bins.h"
#include "modalities/sequence/masked_residues.h"
#include "modalities/sequence/residue_alphabet.h"

namespace tessera::protein {
namespace {

double distance(const Point& a, const Point& b) {
  return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
}

std::vector<std::vector<const ProteinChain*>> by_cluster(const TrainingChains& data, Split s) {
  std::map<int, std::vector<const ProteinChain*>> clusters;
  for (size_t i = 0; i < data.chains.size(); ++i)
    if (data.split[i] == s) clusters[data.cluster[i]].push_back(&data.chains[i]);
  std::vector<std::vector<const ProteinChain*>> out;
  for (auto& [id, members] : clusters) out.push_back(std::move(members));
  return out;
}

}  // namespace

StructureTask::StructureTask(config::Section& root) {
  config::Section d = root.section("data");
  data_paths_ = d.texts("path", {});
  if (data_paths_.empty()) d.fail("path", "is required: a structure file or folder, or a list of them");
  SplitOptions split;
  split.identity = d.number("split_identity", split.identity, 0.05, 1.0);
  const std::vector<double> fractions = d.numbers("fractions", {0.8, 0.1, 0.1}, 0.0, 1.0);
  if (fractions.size() != 3 || std::fabs(fractions[0] + fractions[1] + fractions[2] - 1.0) > 1e-6 ||
      fractions[0] <= 0 || fractions[1] <= 0)
    d.fail("fractions", "must be three shares (train, validation, test) that sum to 1, the first two above 0");
  split.fractions = {fractions[0], fractions[1], fractions[2]};
  split.seed = static_cast<uint64_t>(d.integer("split_seed", 1, 0));
  // The share of the training clusters whose structures are used (validation and test unchanged).
  const double label_fraction = d.number("label_fraction", 1.0, 1e-6, 1.0);
  crop_size_ = d.integer("crop_size", 256, kMinChainLength, 1 << 14);
  batch_size_ = d.integer("batch_size", 2, 1, 1024);
  d.finish();
  spec_ = read_protein_model_spec(root);

  data_ = load_training_chains(data_paths_, split);
  report_skipped(data_.skipped);
  train_clusters_ = seeded_subset(by_cluster(data_, kTrain), label_fraction, splitmix64(split.seed ^ 0x1abe1ull));
  validation_clusters_ = by_cluster(data_, kValidation);
  std::vector<const ProteinChain*> labelled;
  for (const auto& cluster : train_clusters_) labelled.insert(labelled.end(), cluster.begin(), cluster.end());
  baseline_ = SeparationBaseline::fit(labelled);
  model_ = std::make_unique<StructureModel>(spec_.model);
}

StructureTask::Batch StructureTask::draw(const std::vector<std::vector<const ProteinChain*>>& clusters,
                                         Generator& g) const {
  Batch b;
  int64_t T = 0;
  for (int64_t i = 0; i < batch_size_; ++i) {
    const auto& members = clusters[g.below(clusters.size())];
    const ProteinChain* chain = members[g.below(members.size())];
    const int64_t L = static_cast<int64_t>(chain->size());
    const int64_t length = std::min(L, crop_size_);
    const size_t start = L > length ? g.below(static_cast<uint64_t>(L - length + 1)) : 0;
    b.crops.push_back({chain, start, length});
    T = std::max(T, length);
  }
  const int64_t B = batch_size_;
  b.tokens = Tensor::full({B, T}, static_cast<double>(sequence::kPadToken), DType::i64);
  b.residue_targets = Tensor::full({B, T}, -100, DType::i64);
  b.distogram_targets = Tensor::full({B, T, T}, -100, DType::i64);
  int64_t* tokens = b.tokens.data<int64_t>();
  int64_t* residues = b.residue_targets.data<int64_t>();
  int64_t* bins = b.distogram_targets.data<int64_t>();
  for (int64_t n = 0; n < B; ++n) {
    const Crop& c = b.crops[n];
    const std::vector<int64_t> original = sequence::residue_tokens(c.chain->sequence.substr(c.start, c.length));
    const sequence::MaskedResidues masked = sequence::mask_residues(original, spec_.mask_fraction, g);
    std::copy(masked.inputs.begin(), masked.inputs.end(), tokens + n * T);
    std::copy(masked.targets.begin(), masked.targets.end(), residues + n * T);
    for (int64_t i = 0; i < c.length; ++i) {
      if (!c.chain->has(c.start + i, kCB)) continue;
      for (int64_t j = 0; j < c.length; ++j)
        if (j != i && c.chain->has(c.start + j, kCB))
          bins[(n * T + i) * T + j] =
              distance_bin(distance(c.chain->atoms[c.start + i][kCB], c.chain->atoms[c.start + j][kCB]));
    }
  }
  b.tokens = model_->place(b.tokens);
  b.residue_targets = model_->place(b.residue_targets);
  b.distogram_targets = model_->place(b.distogram_targets);
  return b;
}

Tensor StructureTask::loss(const Batch& b) const {
  const StructureOutputs out = model_->forward(b.tokens);
  Tensor total = ops::scale(ops::cross_entropy(out.distogram_logits, b.distogram_targets), spec_.distogram_weight);
  if (spec_.mask_fraction > 0)
    total = ops::add(total, ops::scale(ops::cross_entropy(out.residue_logits, b.residue_targets), spec_.residue_weight));

  // pLDDT targets: the lDDT-C-alpha of this very prediction's expected distances (no gradient
  // flows into the distogram through them).
  const int64_t B = b.tokens.size(0), T = b.tokens.size(1);
  Tensor probabilities;
  {
    autograd::NoGradScope no_grad;
    probabilities = ops::softmax(out.distogram_logits.detach()).to(Device::cpu());
  }
  const float* p = probabilities.data<float>();
  Tensor plddt_targets = Tensor::full({B, T}, -100, DType::i64);
  int64_t* targets = plddt_targets.data<int64_t>();
  for (int64_t n = 0; n < B; ++n) {
    const Crop& c = b.crops[n];
    std::vector<double> predicted(c.length * c.length);
    for (int64_t i = 0; i < c.length; ++i)
      for (int64_t j = 0; j < c.length; ++j)
        predicted[i * c.length + j] = expected_distance(p + ((n * T + i) * T + j) * kDistogramBins);
    const std::vector<double> lddt = distance_lddt(predicted, *c.chain, c.start, c.length);
    for (int64_t i = 0; i < c.length; ++i)
      if (!std::isnan(lddt[i]))
        targets[n * T + i] = std::min<int64_t>(kPlddtBins - 1, static_cast<int64_t>(lddt[i] * kPlddtBins));
  }
  return ops::add(total, ops::scale(ops::cross_entropy(out.plddt_logits, model_->place(plddt_targets)),
                                    spec_.plddt_weight));
}

Tensor StructureTask::train_loss(Generator& data) { return loss(draw(train_clusters_, data)); }

double StructureTask::eval_loss(int64_t batches) {
  autograd::NoGradScope no_grad;
  Generator g(1234);
  double total = 0;
  for (int64_t i = 0; i < batches; ++i) total += loss(draw(validation_clusters_, g)).item();
  return total / static_cast<double>(batches);
}

std::map<std::string, Generator*> StructureTask::model_generators() {
  return {{"dropout", &model_->trunk.dropout_generator()}};
}

std::map<std::string, std::string> StructureTask::checkpoint_attributes() const {
  nlohmann::json split;
  const char* names[] = {"train", "validation", "test"};
  for (size_t i = 0; i < data_.chains.size(); ++i) split[names[data_.split[i]]].push_back(data_.chains[i].name);
  return {{"separation_baseline", baseline_.to_json().dump()}, {"split", split.dump()}};
}

std::string StructureTask::describe() const {
  char buf[320];
  std::snprintf(buf, sizeof buf,
                "%s: %zu chains in %d identity clusters (%zu train, %zu of %zu clusters used / %zu validation / %zu test), "
                "%zu skipped, crops of %lld, %.2fM parameters",
                kArchitecture, data_.chains.size(), data_.clusters, data_.of(kTrain).size(), train_clusters_.size(),
                by_cluster(data_, kTrain).size(),
                data_.of(kValidation).size(), data_.of(kTest).size(), data_.skipped.size(),
                static_cast<long long>(crop_size_), static_cast<double>(model_->num_parameters()) / 1e6);
  return buf;
}

}  // namespace tessera::protein
