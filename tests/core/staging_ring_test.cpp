// Where host-to-device copies are staged in pinned memory and which earlier copies each must wait
// for (core/cuda/staging_ring.h). Host logic: runs without a GPU. The model below replays every
// reservation against a byte map of which copy last owned each staged byte, so any overlap with a
// copy that was not waited for is caught, whatever the sizes.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "core/cuda/staging_ring.h"

namespace tessera::cuda {
namespace {

constexpr size_t A = StagingRing::kAlignment;

TEST(StagingRing, RegionsFollowEachOtherAlignedWithNothingToWaitFor) {
  StagingRing ring(16 * A);
  const auto a = ring.reserve(1);
  const auto b = ring.reserve(A + 1);
  const auto c = ring.reserve(A);
  EXPECT_EQ(a.offset, 0u);
  EXPECT_EQ(b.offset, A);
  EXPECT_EQ(c.offset, 3 * A);
  EXPECT_FALSE(a.wait_for || b.wait_for || c.wait_for);
  EXPECT_EQ(c.ticket, b.ticket + 1);
  EXPECT_EQ(ring.copies_in_flight(), 3u);
}

TEST(StagingRing, AWrapWaitsForTheNewestCopyItOverwrites) {
  StagingRing ring(8 * A);
  const auto a = ring.reserve(3 * A);  // [0, 3)
  const auto b = ring.reserve(3 * A);  // [3, 6)
  const auto c = ring.reserve(3 * A);  // no room at 6: wraps to [0, 3), over a
  EXPECT_EQ(c.offset, 0u);
  ASSERT_TRUE(c.wait_for);
  EXPECT_EQ(*c.wait_for, a.ticket);
  const auto d = ring.reserve(2 * A);  // [3, 5): over b
  EXPECT_EQ(d.offset, 3 * A);
  ASSERT_TRUE(d.wait_for);
  EXPECT_EQ(*d.wait_for, b.ticket);
  EXPECT_EQ(ring.copies_in_flight(), 2u);
}

TEST(StagingRing, AfterTheStreamIsSynchronizedNothingIsWaitedFor) {
  StagingRing ring(8 * A);
  ring.reserve(4 * A);
  ring.reserve(4 * A);
  ring.all_finished();
  EXPECT_EQ(ring.copies_in_flight(), 0u);
  EXPECT_FALSE(ring.reserve(4 * A).wait_for);
}

TEST(StagingRing, OnlyCopiesThatFitAreStaged) {
  StagingRing ring(8 * A + 7);  // capacity rounds down to the alignment
  EXPECT_EQ(ring.capacity(), 8 * A);
  EXPECT_FALSE(ring.fits(0));
  EXPECT_TRUE(ring.fits(4 * A));
  EXPECT_FALSE(ring.fits(4 * A + 1));
  EXPECT_THROW(ring.reserve(4 * A + 1), std::exception);
  EXPECT_THROW((void)StagingRing(A), std::exception);
}

// Random sizes, replayed against the bytes: a region may only be written once every copy that
// last staged any of its bytes has finished, i.e. is at most the ticket waited for (copies on
// one stream finish in ticket order).
TEST(StagingRing, NoStagedByteIsOverwrittenBeforeItsCopyFinished) {
  for (size_t capacity : {8 * A, 37 * A, 1024 * A}) {
    StagingRing ring(capacity);
    std::vector<int64_t> owner(ring.capacity(), -1);  // ticket of the last copy staged in each byte
    int64_t finished = -1;                            // every ticket up to this one has finished
    std::mt19937 rng(static_cast<unsigned>(capacity));
    std::uniform_int_distribution<size_t> size(1, ring.largest_staged());
    for (int i = 0; i < 20000; ++i) {
      const size_t bytes = i % 7 == 0 ? size(rng) : 1 + size(rng) % (2 * A);
      const auto region = ring.reserve(bytes);
      if (region.wait_for) finished = std::max(finished, static_cast<int64_t>(*region.wait_for));
      ASSERT_EQ(region.offset % A, 0u);
      ASSERT_LE(region.offset + bytes, ring.capacity());
      for (size_t b = region.offset; b < region.offset + bytes; ++b) {
        ASSERT_LE(owner[b], finished) << "byte " << b << " of copy " << owner[b] << " overwritten by copy "
                                      << region.ticket << " before it finished (capacity " << capacity << ")";
        owner[b] = static_cast<int64_t>(region.ticket);
      }
      if (i % 997 == 0) {
        ring.all_finished();
        finished = static_cast<int64_t>(region.ticket);
      }
    }
  }
}

}  // namespace
}  // namespace tessera::cuda
