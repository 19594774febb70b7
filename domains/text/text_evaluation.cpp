#include "domains/text/text_evaluation.h"

#include "core/autograd/autograd.h"
#include "core/util/error.h"
#include "core/util/rng.h"

namespace tessera::text {

eval::LanguageScore evaluate_text(const LanguageModel& model, const Tokenizer& tokenizer, const std::string& text,
                                   double mask_fraction, const std::string& source) {
  const std::vector<int32_t> ids = tokenizer.encode(text);
  if (ids.size() < 2) throw DataError(source, "needs at least two tokens of text to evaluate");
  autograd::NoGradScope no_grad;
  const int64_t T = model.config().context, batch = 8, n = static_cast<int64_t>(ids.size());
  const bool causal = model.config().causal;
  const int64_t shift = causal ? 1 : 0;  // a causal window's targets are its inputs moved by one
  const int64_t mask_id = tokenizer.vocab_size();
  Generator mask_rng(4321);
  eval::LanguageScorer scorer;

  // Scores windows of L inputs starting at `starts` as one batch.
  auto score = [&](const std::vector<int64_t>& starts, int64_t L) {
    const int64_t rows = static_cast<int64_t>(starts.size());
    Tensor x = Tensor::empty({rows, L}, DType::i64), y = Tensor::empty({rows, L}, DType::i64);
    int64_t counted = 0, bytes = 0;
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t t = 0; t < L; ++t) {
        int64_t in = ids[starts[i] + t], target = causal ? ids[starts[i] + t + 1] : -100;
        if (!causal && mask_rng.uniform() < mask_fraction) {
          target = in;
          in = mask_id;
        }
        x.data<int64_t>()[i * L + t] = in;
        y.data<int64_t>()[i * L + t] = target;
        if (target < 0) continue;
        ++counted;
        bytes += static_cast<int64_t>(tokenizer.token_bytes(static_cast<int32_t>(target)).size());
      }
    if (counted > 0) scorer.add(model.loss(model.place(x), model.place(y)).item(), counted, bytes);
  };

  std::vector<int64_t> starts;
  int64_t s = 0;
  for (; s + T + shift <= n; s += T) {
    starts.push_back(s);
    if (static_cast<int64_t>(starts.size()) == batch) {
      score(starts, T);
      starts.clear();
    }
  }
  if (!starts.empty()) score(starts, T);
  if (n - s - shift > 0) score({s}, n - s - shift);  // the shorter last window
  if (scorer.tokens() == 0) throw DataError(source, "no token to score (text too short for a masked model)");
  return scorer.result();
}

}  // namespace tessera::text
