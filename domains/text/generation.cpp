#include "domains/text/generation.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/autograd/autograd.h"
#include "core/util/error.h"
#include "core/util/rng.h"

namespace tessera::text {
namespace {

// Draws a token from logits with temperature, top-k and top-p, or takes the argmax at T = 0.
int32_t sample(const float* logits, int64_t vocab, const SamplingOptions& o, Generator& g) {
  std::vector<int32_t> order(vocab);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return logits[a] > logits[b]; });
  if (o.temperature <= 0) return order[0];
  const int64_t k = o.top_k > 0 ? std::min(o.top_k, vocab) : vocab;
  std::vector<double> p(k);
  for (int64_t i = 0; i < k; ++i) p[i] = std::exp((logits[order[i]] - logits[order[0]]) / o.temperature);
  const double total = std::accumulate(p.begin(), p.end(), 0.0);
  int64_t keep = k;
  double mass = 0;
  for (int64_t i = 0; i < k; ++i) {
    mass += p[i] / total;
    if (mass >= o.top_p) {
      keep = i + 1;
      break;
    }
  }
  const double kept = std::accumulate(p.begin(), p.begin() + keep, 0.0);
  double u = g.uniform() * kept;
  for (int64_t i = 0; i < keep; ++i) {
    u -= p[i];
    if (u <= 0) return order[i];
  }
  return order[keep - 1];
}

}  // namespace

void generate(const LanguageModel& model, const Tokenizer& tokenizer, const std::string& prompt,
              const SamplingOptions& o, const std::function<void(const std::string&)>& emit) {
  const int64_t context = model.config().context;
  // An empty prompt starts from a newline, as a document boundary.
  std::vector<int32_t> ids = tokenizer.encode(prompt.empty() ? "\n" : prompt);
  if (static_cast<int64_t>(ids.size()) > context)
    throw InputError("--prompt", "the prompt is " + std::to_string(ids.size()) + " tokens, longer than the model's context of " +
                                     std::to_string(context));
  emit(prompt);  // only once the prompt is known to fit, so a refused run prints nothing
  autograd::NoGradScope no_grad;
  Generator g(o.seed);
  const int64_t vocab = tokenizer.vocab_size();  // never sample the mask token of a masked model
  for (int64_t n = 0; n < o.max_tokens; ++n) {
    const int64_t start = std::max<int64_t>(0, static_cast<int64_t>(ids.size()) - context);
    const int64_t T = static_cast<int64_t>(ids.size()) - start;
    Tensor x = Tensor::empty({1, T}, DType::i64);
    for (int64_t t = 0; t < T; ++t) x.data<int64_t>()[t] = ids[start + t];
    Tensor logits = model.logits(model.place(x));
    if (!logits.device().is_cpu()) logits = logits.to(Device::cpu());
    const float* last = logits.data<float>() + (T - 1) * logits.size(-1);
    const int32_t next = sample(last, vocab, o, g);
    ids.push_back(next);
    emit(tokenizer.token_bytes(next));
  }
}

}  // namespace tessera::text
