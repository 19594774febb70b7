#pragma once
// A process group of threads: each thread holds a FakeRank (the dist::Communicator interface) and
// all_reduce/barrier meet across the threads, so multi-rank code runs in one test process.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/dist/communicator.h"

namespace tessera::test_support {

class FakeGroup {
 public:
  explicit FakeGroup(int size) : size_(size) {}
  int size() const { return size_; }
  // Every rank passes its values; returns once all have, with the reduction in `values`.
  void all_reduce(int rank, double* values, size_t count, dist::ReduceOp op);

 private:
  int size_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::vector<double>> contributions_;
  std::vector<double> result_;
  int arrived_ = 0, departed_ = 0;
  long generation_ = 0;
};

class FakeRank final : public dist::Communicator {
 public:
  FakeRank(FakeGroup& group, int rank, int local_rank, int local_size, std::string node)
      : group_(group), rank_(rank), local_rank_(local_rank), local_size_(local_size), node_(std::move(node)) {}
  int rank() const override { return rank_; }
  int size() const override { return group_.size(); }
  int local_rank() const override { return local_rank_; }
  int local_size() const override { return local_size_; }
  std::string node_name() const override { return node_; }
  void all_reduce(double* values, size_t count, dist::ReduceOp op) override { group_.all_reduce(rank_, values, count, op); }
  void barrier() override {
    double none = 0;
    group_.all_reduce(rank_, &none, 1, dist::ReduceOp::sum);
  }
  // Gradient collectives: the energy meter never uses them.
  std::unique_ptr<dist::Request> start_all_reduce(float*, size_t) override { throw std::logic_error("not faked"); }
  std::unique_ptr<dist::Request> start_reduce_scatter(const float*, float*, size_t) override {
    throw std::logic_error("not faked");
  }
  std::unique_ptr<dist::Request> start_all_gather(const float*, float*, size_t) override {
    throw std::logic_error("not faked");
  }
  void broadcast(void*, size_t, int) override { throw std::logic_error("not faked"); }

 private:
  FakeGroup& group_;
  int rank_, local_rank_, local_size_;
  std::string node_;
};

}  // namespace tessera::test_support
