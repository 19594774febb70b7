#pragma once
// Where in a pinned host buffer the next host-to-device copy is staged, and which earlier copies
// must have finished first. Staging lets a copy return as soon as the host bytes are in pinned
// memory (the caller may reuse its buffer at once) while the device reads them later on its
// stream. Regions are handed out in order around the ring, and copies on one stream finish in
// order, so the copies that still read the space a new region takes are always the oldest ones:
// waiting for the newest of them waits for all. Host logic without CUDA headers, tested without a
// GPU.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

namespace tessera::cuda {

class StagingRing {
 public:
  // Regions start on this boundary so that every staged copy is aligned for the copy engines.
  static constexpr size_t kAlignment = 256;

  struct Region {
    size_t offset = 0;
    uint64_t ticket = 0;                  // names this copy; the caller records its event under it
    std::optional<uint64_t> wait_for;     // the newest earlier copy to wait for before writing
  };

  explicit StagingRing(size_t capacity);

  size_t capacity() const { return capacity_; }
  // Copies larger than this are not staged (they would wait for most of the ring).
  size_t largest_staged() const { return capacity_ / 2; }
  bool fits(size_t bytes) const { return bytes > 0 && bytes <= largest_staged(); }

  // A region of `bytes` (fits(bytes)); the copy staged there must be recorded under `ticket`.
  Region reserve(size_t bytes);
  // Every copy so far has finished (the stream was synchronized): nothing is waited for again.
  void all_finished();
  size_t copies_in_flight() const { return in_flight_.size(); }

 private:
  struct InFlight {
    size_t begin, end;
    uint64_t ticket;
  };
  size_t capacity_;
  size_t head_ = 0;
  uint64_t next_ticket_ = 0;
  std::deque<InFlight> in_flight_;  // oldest first
};

}  // namespace tessera::cuda
