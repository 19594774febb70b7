#include "tests/governance/fake_group.h"

#include <algorithm>

namespace tessera::test_support {

void FakeGroup::all_reduce(int rank, double* values, size_t count, dist::ReduceOp op) {
  std::unique_lock<std::mutex> lock(mutex_);
  // Wait until the previous reduction has been collected by everyone.
  changed_.wait(lock, [&] { return departed_ == 0; });
  const long generation = generation_;
  if (contributions_.empty()) contributions_.assign(static_cast<size_t>(size_), {});
  contributions_[static_cast<size_t>(rank)].assign(values, values + count);
  if (++arrived_ == size_) {
    result_ = contributions_[0];
    for (size_t r = 1; r < contributions_.size(); ++r)
      for (size_t i = 0; i < count; ++i) {
        const double v = contributions_[r][i];
        result_[i] = op == dist::ReduceOp::sum ? result_[i] + v
                     : op == dist::ReduceOp::max ? std::max(result_[i], v)
                                                 : std::min(result_[i], v);
      }
    departed_ = size_;
    arrived_ = 0;
    contributions_.clear();
    ++generation_;
    changed_.notify_all();
  } else {
    changed_.wait(lock, [&] { return generation_ != generation; });
  }
  std::copy(result_.begin(), result_.begin() + static_cast<long>(count), values);
  if (--departed_ == 0) changed_.notify_all();
}

}  // namespace tessera::test_support
