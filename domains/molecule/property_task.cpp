#include "domains/molecule/property_task.h"

#include <cmath>
#include <cstdio>

#include "core/autograd/autograd.h"
#include "core/util/error.h"
#include "modalities/graph/masked_atoms.h"

namespace tessera::molecule {

Split split_molecule_set(const MoleculeSet& set, const SplitSpec& spec) {
  std::vector<std::string> scaffolds;
  for (const MoleculeExample& e : set.examples) scaffolds.push_back(e.scaffold);
  return split_molecules(scaffolds, spec);
}

PropertyNormalization fit_normalization(const MoleculeSet& set, const std::vector<int64_t>& train, bool classification) {
  std::vector<const std::vector<double>*> targets, descriptors;
  for (int64_t i : train) {
    targets.push_back(&set.examples[static_cast<size_t>(i)].targets);
    descriptors.push_back(&set.examples[static_cast<size_t>(i)].descriptors);
  }
  const size_t K = set.examples.front().targets.size(), N = set.examples.front().descriptors.size();
  PropertyNormalization n;
  n.targets = classification ? Standardization{std::vector<double>(K, 0.0), std::vector<double>(K, 1.0)}
                             : Standardization::fit(targets, K);
  n.descriptors = Standardization::fit(descriptors, N);
  return n;
}

Examples examples_of(const MoleculeSet& set, const std::vector<int64_t>& indices) {
  Examples out;
  for (int64_t i : indices) out.push_back(&set.examples[static_cast<size_t>(i)]);
  return out;
}

PropertyTask::PropertyTask(config::Section& root) {
  data_ = read_molecule_data_spec(root);
  spec_ = read_molecule_model_spec(root, data_);
  set_ = load_molecule_set(data_.path, data_.layout, spec_.examples, data_.skip_invalid);
  if (data_.classification)
    for (const MoleculeExample& e : set_.examples)
      for (size_t k = 0; k < e.targets.size(); ++k)
        if (!std::isnan(e.targets[k]) && e.targets[k] != 0.0 && e.targets[k] != 1.0)
          throw DataError(data_.path, "line " + std::to_string(e.line) + ": target '" + data_.layout.targets[k] +
                                          "' is " + std::to_string(e.targets[k]) + "; classification needs 0 or 1");
  split_ = split_molecule_set(set_, data_.split);
  if (split_.train.empty() || split_.test.empty())
    throw DataError(data_.path, "has " + std::to_string(set_.examples.size()) +
                                    " usable molecules: too few for a training and a test split (data.fractions)");
  // A target whose values all fell into validation or test would train on nothing and predict
  // its initial guess.
  for (size_t k = 0; k < data_.layout.targets.size(); ++k) {
    size_t present = 0;
    for (int64_t i : split_.train) present += !std::isnan(set_.examples[static_cast<size_t>(i)].targets[k]);
    if (present == 0)
      throw DataError(data_.path, "target '" + data_.layout.targets[k] + "' has no value in the training split (" +
                                      std::to_string(split_.train.size()) + " molecules): nothing to learn it from");
  }
  normalization_ = fit_normalization(set_, split_.train, data_.classification);
  model_ = std::make_unique<PropertyModel>(spec_.model);
}

PropertyTask::Losses PropertyTask::losses(const Examples& batch, Generator& masking, bool masked_only) const {
  Losses l;
  const bool masked = spec_.mask_fraction > 0, labelled = !data_.layout.targets.empty();
  const graph::GraphBatch plain = graph_batch_of(*model_, batch);
  graph::GraphBatch input = plain;
  Tensor elements;
  if (masked) {
    input.atom_features = plain.atom_features.clone();
    elements = graph::mask_atoms(input, spec_.mask_fraction, masking);
  }
  const Tensor h = model_->states(input);
  if (labelled) {
    const Tensor& states = masked_only || !masked ? h : model_->states(plain);
    l.property = property_loss(model_->properties(states, plain, descriptor_tensor(batch, normalization_)), batch,
                               normalization_, data_.classification);
    l.total = l.property;
  }
  if (masked) {
    const Tensor logits = model_->element_logits(h);
    const int64_t N = logits.size(0) * logits.size(1);
    l.masked_atoms = ops::cross_entropy(ops::reshape(logits, {N, logits.size(2)}),
                                        ops::reshape(model_->place(elements), {N}));
    const Tensor weighted = ops::scale(l.masked_atoms, spec_.masked_atom_weight);
    l.total = l.total.defined() ? ops::add(l.total, weighted) : weighted;
  }
  return l;
}

Tensor PropertyTask::train_loss(Generator& data) {
  Examples batch;
  for (int64_t b = 0; b < data_.batch_size; ++b)
    batch.push_back(&set_.examples[static_cast<size_t>(split_.train[data.below(split_.train.size())])]);
  const Losses l = losses(batch, data, true);
  if (l.masked_atoms.defined()) {
    if (l.property.defined()) train_parts_["property"].push_back(l.property.detach());
    train_parts_["masked_atoms"].push_back(l.masked_atoms.detach());
  }
  return l.total;
}

double PropertyTask::eval_loss(int64_t batches) {
  autograd::NoGradScope no_grad;
  // The validation split, or the test split when the fractions leave no validation molecules.
  const std::vector<int64_t>& held_out = split_.validation.empty() ? split_.test : split_.validation;
  const Examples all = examples_of(set_, held_out);
  Generator masking(1234);  // the same masks at every evaluation
  double total = 0;
  std::map<std::string, double> parts;
  for (int64_t i = 0; i < batches; ++i) {
    Examples batch;
    for (int64_t b = 0; b < data_.batch_size; ++b)
      batch.push_back(all[static_cast<size_t>((i * data_.batch_size + b) % static_cast<int64_t>(all.size()))]);
    const Losses l = losses(batch, masking, false);
    total += l.total.item();
    if (l.masked_atoms.defined()) {
      if (l.property.defined()) parts["property"] += l.property.item() / static_cast<double>(batches);
      parts["masked_atoms"] += l.masked_atoms.item() / static_cast<double>(batches);
    }
  }
  eval_parts_ = parts;
  return total / static_cast<double>(batches);
}

std::map<std::string, LossSum> PropertyTask::take_loss_parts() {
  std::map<std::string, LossSum> taken;
  for (auto& [name, losses] : train_parts_) {
    LossSum& s = taken[name];
    for (const Tensor& loss : losses) s.sum += loss.item();
    s.count = static_cast<int64_t>(losses.size());
    losses.clear();
  }
  return taken;
}

std::map<std::string, Generator*> PropertyTask::model_generators() {
  return {{"dropout", &model_->trunk.dropout_generator()}};
}

std::map<std::string, std::string> PropertyTask::checkpoint_attributes() const {
  return {{"normalization", normalization_.to_json().dump()}};
}

std::string PropertyTask::describe() const {
  char buf[320];
  std::snprintf(buf, sizeof buf, "%s: %zu molecules (%lld skipped), %s split %zu / %zu / %zu, %zu target(s)%s, %.2fM parameters",
                kArchitecture, set_.examples.size(), static_cast<long long>(set_.skipped), data_.split.kind.c_str(),
                split_.train.size(), split_.validation.size(), split_.test.size(), data_.layout.targets.size(),
                spec_.mask_fraction > 0 ? ", masked atoms" : "", static_cast<double>(model_->num_parameters()) / 1e6);
  return buf;
}

}  // namespace tessera::molecule
