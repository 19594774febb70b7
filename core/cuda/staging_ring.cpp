#include "core/cuda/staging_ring.h"

#include "core/util/error.h"

namespace tessera::cuda {

StagingRing::StagingRing(size_t capacity) : capacity_(capacity / kAlignment * kAlignment) {
  TESSERA_CHECK(capacity_ >= 2 * kAlignment, "staging ring: capacity of " + std::to_string(capacity) + " bytes is too small");
}

StagingRing::Region StagingRing::reserve(size_t bytes) {
  TESSERA_CHECK(fits(bytes), "staging ring: " + std::to_string(bytes) + " bytes cannot be staged in " +
                                 std::to_string(capacity_));
  const size_t size = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  // In flight, oldest first: what is left of the previous lap (at or after head_), then this lap's
  // regions (before head_). A wrap starts a new lap, so the previous lap's remainder goes first.
  std::optional<uint64_t> wait_for;
  auto retire_front = [&] {
    wait_for = in_flight_.front().ticket;
    in_flight_.pop_front();
  };
  if (head_ + size > capacity_) {
    while (!in_flight_.empty() && in_flight_.front().begin >= head_) retire_front();
    head_ = 0;
  }
  while (!in_flight_.empty() && in_flight_.front().begin >= head_ && in_flight_.front().begin < head_ + size)
    retire_front();
  const Region region{head_, next_ticket_++, wait_for};
  in_flight_.push_back({head_, head_ + size, region.ticket});
  head_ += size;
  return region;
}

void StagingRing::all_finished() { in_flight_.clear(); }

}  // namespace tessera::cuda
