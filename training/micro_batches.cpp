#include "training/micro_batches.h"

#include "core/util/error.h"

namespace tessera::training {

namespace {
// Counters per micro-batch: 2^36 draws (dropout masks of a micro-batch of a billion-parameter
// model fit), which leaves room for 2^28 micro-batches.
constexpr int kCounterBitsPerMicroBatch = 36;
}  // namespace

MicroBatchPlan::MicroBatchPlan(int64_t per_step, int rank, int ranks)
    : per_step_(per_step), per_rank_(per_step / ranks), first_on_rank_(rank * (per_step / ranks)) {
  if (per_step % ranks != 0)
    throw ConfigError("", "training.grad_accumulation (" + std::to_string(per_step) +
                              ", micro-batches per step over all ranks) must be a multiple of the number of ranks (" +
                              std::to_string(ranks) + ")");
}

void seek_generators(const std::map<std::string, Generator*>& generators, uint64_t index) {
  for (const auto& [name, g] : generators) *g = Generator(g->seed(), index << kCounterBitsPerMicroBatch);
}

}  // namespace tessera::training
