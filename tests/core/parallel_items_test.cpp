// for_each_item_in_parallel: every item once, whatever the thread count; the first failure reaches
// the caller after every thread has stopped.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/util/parallel_items.h"

namespace tessera {
namespace {

TEST(ParallelItems, EveryItemIsWorkedOnExactlyOnce) {
  for (size_t n : {0u, 1u, 2u, 7u, 1000u}) {
    std::vector<std::atomic<int>> visits(n);
    for_each_item_in_parallel(n, [&](size_t i) { ++visits[i]; });
    for (size_t i = 0; i < n; ++i) EXPECT_EQ(visits[i].load(), 1) << "item " << i << " of " << n;
  }
}

// Items take 200 us, as real ones take far longer: with instant items, another thread could finish
// all of them while the first throw of the process was still unwinding (seen once under ctest -j2).
TEST(ParallelItems, TheFirstExceptionIsRethrownAndLaterItemsStop) {
  std::atomic<size_t> worked{0};
  EXPECT_THROW(for_each_item_in_parallel(1000,
                                         [&](size_t i) {
                                           ++worked;
                                           if (i == 3) throw std::runtime_error("item 3");
                                           std::this_thread::sleep_for(std::chrono::microseconds(200));
                                         }),
               std::runtime_error);
  EXPECT_LT(worked.load(), 1000u);
}

TEST(ParallelItems, ThreadsNeverExceedItems) {
  EXPECT_EQ(item_threads(0), 0u);
  EXPECT_EQ(item_threads(1), 1u);
  EXPECT_LE(item_threads(1000), 8u);
  EXPECT_GE(item_threads(1000), 1u);
}

}  // namespace
}  // namespace tessera
