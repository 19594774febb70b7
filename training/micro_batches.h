#pragma once
// The data order of a run, the same on any number of ranks. Step s consumes the micro-batches
// s*G .. s*G+G-1 (G = training.grad_accumulation, micro-batches per step over all ranks); of N
// ranks, rank r draws the r-th consecutive run of G/N of them. Before a micro-batch is drawn,
// every random generator of the run (data order, dropout) is moved to a position that depends
// only on the micro-batch's index, so micro-batch k holds the same samples and dropout masks
// whichever rank draws it, and a run resumed on another number of ranks continues the same
// sequence.
#include <cstdint>
#include <map>
#include <string>

#include "core/util/rng.h"

namespace tessera::training {

class MicroBatchPlan {
 public:
  // Throws ConfigError when G is not a multiple of the number of ranks.
  MicroBatchPlan(int64_t per_step, int rank, int ranks);
  int64_t per_step() const { return per_step_; }
  int64_t per_rank() const { return per_rank_; }
  // Index of this rank's j-th micro-batch of `step` (0-based step count before the update).
  uint64_t index(int64_t step, int64_t j) const {
    return static_cast<uint64_t>(step * per_step_ + first_on_rank_ + j);
  }
  // The first micro-batch of `step`: where the generators stand in a checkpoint taken before it.
  uint64_t first_of_step(int64_t step) const { return static_cast<uint64_t>(step * per_step_); }

 private:
  int64_t per_step_, per_rank_, first_on_rank_;
};

// Moves every generator (keeping its seed) to the block of counters of micro-batch `index`.
void seek_generators(const std::map<std::string, Generator*>& generators, uint64_t index);

}  // namespace tessera::training
