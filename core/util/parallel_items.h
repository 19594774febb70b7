#pragma once
// Independent, coarse items (files, molecules) worked on by a few threads. OpenMP splits single
// ops; this is for whole items whose work is library code (gemmi, RDKit) that OpenMP cannot see.
#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace tessera {

// Threads for `items` independent items: one per hardware thread, at most 8 (readers gain little
// beyond), never more than there are items.
inline size_t item_threads(size_t items) {
  return std::min(items, static_cast<size_t>(std::max(1u, std::min(8u, std::thread::hardware_concurrency()))));
}

// Calls work(i) once for every i in [0, n), spread over item_threads(n) threads (the caller's among
// them), each item taken as a thread becomes free. The first exception thrown is rethrown here once
// every thread has stopped; items not started by then are skipped.
template <class Work>
void for_each_item_in_parallel(size_t n, Work&& work) {
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr first_error;
  std::mutex error_mutex;
  auto run = [&] {
    for (size_t i = next++; i < n && !failed; i = next++) {
      try {
        work(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!first_error) first_error = std::current_exception();
        failed = true;
      }
    }
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < item_threads(n); ++t) pool.emplace_back(run);
  run();
  for (std::thread& t : pool) t.join();
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace tessera
