#include "domains/molecule/property_batches.h"

#include <algorithm>
#include <cmath>

#include "core/autograd/autograd.h"

namespace tessera::molecule {

Tensor descriptor_tensor(const Examples& examples, const PropertyNormalization& normalization) {
  const int64_t B = static_cast<int64_t>(examples.size()), N = static_cast<int64_t>(normalization.descriptors.mean.size());
  if (N == 0) return Tensor();
  Tensor t = Tensor::empty({B, N});
  float* out = t.data<float>();
  for (int64_t b = 0; b < B; ++b)
    for (int64_t i = 0; i < N; ++i)
      out[b * N + i] = normalization.descriptor(static_cast<size_t>(i), examples[static_cast<size_t>(b)]->descriptors[static_cast<size_t>(i)]);
  return t;
}

graph::GraphBatch graph_batch_of(const PropertyModel& model, const Examples& examples) {
  std::vector<const graph::PreparedGraph*> graphs;
  for (const MoleculeExample* e : examples) graphs.push_back(&e->graph);
  return graph::make_graph_batch(graphs, model.config().graph.buckets, model.config().graph.conformer);
}

Tensor property_outputs(const PropertyModel& model, const Examples& examples, const PropertyNormalization& normalization) {
  return model.forward(graph_batch_of(model, examples), descriptor_tensor(examples, normalization));
}

Tensor property_loss(const Tensor& outputs, const Examples& examples, const PropertyNormalization& normalization,
                     bool classification) {
  const int64_t B = static_cast<int64_t>(examples.size()), K = static_cast<int64_t>(normalization.targets.mean.size());
  int64_t present = 0;
  if (classification) {
    Tensor labels = Tensor::empty({B * K}, DType::i64);
    int64_t* l = labels.data<int64_t>();
    for (int64_t b = 0; b < B; ++b)
      for (int64_t k = 0; k < K; ++k) {
        const double v = examples[static_cast<size_t>(b)]->targets[static_cast<size_t>(k)];
        l[b * K + k] = std::isnan(v) ? -100 : (v > 0.5 ? 1 : 0);
        present += !std::isnan(v);
      }
    const Tensor logits = ops::reshape(outputs, {B * K, 2});
    if (present == 0) return ops::scale(ops::sum(logits), 0.0);
    return ops::cross_entropy(logits, outputs.device().is_cpu() ? labels : labels.to(outputs.device()));
  }
  Tensor targets = Tensor::zeros({B, K}), weights = Tensor::zeros({B, K});
  float* t = targets.data<float>();
  float* w = weights.data<float>();
  for (int64_t b = 0; b < B; ++b)
    for (int64_t k = 0; k < K; ++k) {
      const double v = examples[static_cast<size_t>(b)]->targets[static_cast<size_t>(k)];
      if (std::isnan(v)) continue;
      t[b * K + k] = static_cast<float>(normalization.targets.apply(static_cast<size_t>(k), v));
      w[b * K + k] = 1.0f;
      ++present;
    }
  // mse averages over every element; rescale so that it averages over the values present.
  const double rescale = static_cast<double>(B * K) / static_cast<double>(std::max<int64_t>(present, 1));
  const Device d = outputs.device();
  return ops::mse(outputs, d.is_cpu() ? targets : targets.to(d), ops::scale(d.is_cpu() ? weights : weights.to(d), rescale));
}

std::vector<std::vector<double>> predict_properties(const PropertyModel& model, const Examples& examples,
                                                    const PropertyNormalization& normalization, bool classification,
                                                    int64_t batch_size) {
  autograd::NoGradScope no_grad;
  const size_t K = normalization.targets.mean.size();
  std::vector<std::vector<double>> predictions;
  predictions.reserve(examples.size());
  for (size_t start = 0; start < examples.size(); start += static_cast<size_t>(batch_size)) {
    const Examples batch(examples.begin() + static_cast<std::ptrdiff_t>(start),
                         examples.begin() + static_cast<std::ptrdiff_t>(std::min(examples.size(), start + static_cast<size_t>(batch_size))));
    const Tensor out = property_outputs(model, batch, normalization).to(Device::cpu()).to(DType::f64);
    const double* o = out.data<double>();
    for (size_t b = 0; b < batch.size(); ++b) {
      std::vector<double> row(K);
      for (size_t k = 0; k < K; ++k)
        row[k] = classification ? 1.0 / (1.0 + std::exp(o[b * 2 * K + 2 * k] - o[b * 2 * K + 2 * k + 1]))
                                : normalization.targets.invert(k, o[b * K + k]);
      predictions.push_back(std::move(row));
    }
  }
  return predictions;
}

}  // namespace tessera::molecule
