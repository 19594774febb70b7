#pragma once
// The benchmark's GPT as a text run config: the task and training settings `tessera train`
// reads, sized as the PyTorch reference's configs and trained with its optimizer settings.
#include <cstdint>
#include <string>

#include "bench/gpt_benchmark.h"

namespace tessera::bench {

struct GptShape {
  int64_t vocab, ctx, n_layer, d_model, n_head, batch;
};

// A vocabulary size rounded up to a multiple of 64: GEMMs over it then tile evenly.
constexpr int64_t kVocabMultiple = 64;
int64_t padded_vocab(int64_t vocab);

// tiny, small or gpt2-124m (vocabulary 50304: GPT-2's 50257, padded); throws ConfigError for any
// other name.
GptShape gpt_shape(const std::string& config);

// YAML of a run of `max_steps` steps: a causal byte-level text task on o.data, AdamW with a
// constant learning rate and no clipping, logging every o.log_every steps (0: the last only).
std::string gpt_run_config(const GptBenchOptions& o, const GptShape& shape, int64_t max_steps);

}  // namespace tessera::bench
