#include "training/data_parallel.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <unordered_map>

#include "core/autograd/autograd.h"
#include "core/util/error.h"
#include "training/non_finite.h"

namespace tessera::training {

struct DataParallelOptimizer::Bucket {
  struct Member {
    size_t param;    // index into params_
    int64_t offset;  // in `flat`
    bool ready = false;
  };
  std::vector<Member> members;
  int64_t length = 0;  // floats in `flat`: a multiple of the number of ranks when sharded
  Tensor flat;         // gradients; under ZeRO-1 also the all-gathered parameters
  Tensor shard;        // ZeRO-1: this rank's block of summed gradients
  size_t ready = 0;
  std::unique_ptr<dist::Request> request;

  int64_t shard_length(int ranks) const { return length / ranks; }
};

// Where this rank's shard of a bucket meets one parameter.
struct DataParallelOptimizer::Piece {
  size_t param;
  size_t bucket;
  int64_t param_offset;  // first element, in the flattened parameter
  int64_t shard_offset;  // first element, in the bucket's shard
  int64_t length;
  Tensor view;  // 1-D view of the parameter's elements
};

namespace {

// Copies `n` floats of a contiguous f32 tensor from element `from` into `to` at element `at`.
void copy_floats(const Tensor& from, int64_t from_offset, const Tensor& to, int64_t to_offset, int64_t n) {
  std::memcpy(to.data<float>() + to_offset, from.data<float>() + from_offset, static_cast<size_t>(n) * sizeof(float));
}

Tensor flat_view(const Tensor& flat, const Shape& shape, int64_t offset) {
  return flat.as_strided(shape, contiguous_strides(shape), flat.offset() + offset);
}

}  // namespace

DataParallelOptimizer::DataParallelOptimizer(dist::Communicator& comm, nn::NamedTensors params,
                                             optim::AdamWConfig adamw, DataParallelConfig config)
    : comm_(comm), params_(std::move(params)), adamw_config_(adamw), sharded_(config.shard_optimizer && comm.size() > 1) {
  const int ranks = comm_.size();
  if (ranks > 1) {
    const int64_t limit = std::max<int64_t>(1, static_cast<int64_t>(config.bucket_mb * 1024 * 1024 / sizeof(float)));
    auto close = [&](Bucket& b) {
      if (sharded_) b.length = (b.length + ranks - 1) / ranks * ranks;
      b.flat = Tensor::zeros({b.length});
      if (sharded_) b.shard = Tensor::zeros({b.shard_length(ranks)});
    };
    for (size_t i = params_.size(); i-- > 0;) {
      if (buckets_.empty() || buckets_.back().flat.defined()) buckets_.emplace_back();
      Bucket& b = buckets_.back();
      b.members.push_back({i, b.length});
      b.length += params_[i].second.numel();
      if (b.length >= limit) close(b);
    }
    if (!buckets_.back().flat.defined()) close(buckets_.back());
  }
  if (!sharded_) {
    adamw_ = std::make_unique<optim::AdamW>(params_, adamw_config_);
    return;
  }
  nn::NamedTensors views;
  std::vector<bool> decay;
  const int rank = comm_.rank();
  for (size_t b = 0; b < buckets_.size(); ++b) {
    const int64_t shard = buckets_[b].shard_length(ranks), first = rank * shard, last = first + shard;
    for (const Bucket::Member& m : buckets_[b].members) {
      const Tensor& p = params_[m.param].second;
      const int64_t lo = std::max(first, m.offset), hi = std::min(last, m.offset + p.numel());
      if (lo >= hi) continue;
      Tensor view = p.as_strided({hi - lo}, {1}, p.offset() + (lo - m.offset));
      pieces_.push_back({m.param, b, lo - m.offset, lo - first, hi - lo, view});
      views.emplace_back(params_[m.param].first + "@" + std::to_string(lo - m.offset), view);
      decay.push_back(p.dim() >= 2);
    }
  }
  adamw_ = std::make_unique<optim::AdamW>(views, decay, adamw_config_);
}

DataParallelOptimizer::~DataParallelOptimizer() = default;

void DataParallelOptimizer::zero_grad() {
  for (auto& named : params_) named.second.zero_grad();
  for (Piece& p : pieces_) p.view.zero_grad();
}

int64_t DataParallelOptimizer::steps() const { return adamw_->steps(); }

int64_t DataParallelOptimizer::moment_bytes() const {
  int64_t bytes = 0;
  for (const auto& [name, t] : adamw_->state()) bytes += static_cast<int64_t>(t.nbytes());
  return bytes;
}

void DataParallelOptimizer::backward_and_reduce(const Tensor& loss) {
  if (buckets_.empty()) {
    loss.backward();
    return;
  }
  for (Bucket& b : buckets_) {
    b.ready = 0;
    for (Bucket::Member& m : b.members) m.ready = false;
  }
  next_launch_ = 0;
  autograd::GradReadyScope hook([this](const Tensor& param) { on_grad_ready(param); });
  loss.backward();
}

void DataParallelOptimizer::on_grad_ready(const Tensor& param) {
  // Few buckets, few members each: a scan costs less than keeping a map in step.
  for (Bucket& b : buckets_)
    for (Bucket::Member& m : b.members) {
      const Tensor& p = params_[m.param].second;
      if (p.impl() != param.impl() || m.ready) continue;
      flat_view(b.flat, p.shape(), m.offset).copy_(p.grad());
      m.ready = true;
      ++b.ready;
      launch_ready_buckets();
      return;
    }
}

// Collectives must start in the same order on every rank: buckets leave in index order only.
void DataParallelOptimizer::launch_ready_buckets() {
  const int ranks = comm_.size();
  while (next_launch_ < buckets_.size() && buckets_[next_launch_].ready == buckets_[next_launch_].members.size()) {
    Bucket& b = buckets_[next_launch_++];
    b.request = sharded_ ? comm_.start_reduce_scatter(b.flat.data<float>(), b.shard.data<float>(),
                                                      static_cast<size_t>(b.shard_length(ranks)))
                         : comm_.start_all_reduce(b.flat.data<float>(), static_cast<size_t>(b.length));
  }
  // MPI moves a non-blocking collective along only while some MPI call is running.
  for (size_t i = 0; i < next_launch_; ++i)
    if (buckets_[i].request) buckets_[i].request->test();
}

double DataParallelOptimizer::finish_reduction() {
  if (buckets_.empty()) {
    // Parameters the backward pass never reached (the heads of parts a multi-domain step did not
    // draw) get zero gradients, as over several ranks below: one rank and many update alike.
    for (auto& [name, p] : params_)
      if (!p.grad().defined()) p.set_grad(Tensor::zeros(p.shape(), p.dtype(), p.device()));
    return 0;
  }
  // Parameters the backward pass never reached contribute zeros.
  for (Bucket& b : buckets_)
    for (Bucket::Member& m : b.members) {
      if (m.ready) continue;
      const Tensor& p = params_[m.param].second;
      Tensor slot = flat_view(b.flat, p.shape(), m.offset);
      if (p.grad().defined())
        slot.copy_(p.grad());
      else
        slot.fill_(0.0);
      m.ready = true;
      ++b.ready;
    }
  launch_ready_buckets();
  const auto t0 = std::chrono::steady_clock::now();
  for (Bucket& b : buckets_) {
    b.request->wait();
    b.request.reset();
  }
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (sharded_) {
    for (Piece& piece : pieces_)
      piece.view.set_grad(flat_view(buckets_[piece.bucket].shard, {piece.length}, piece.shard_offset));
  } else {
    for (const Bucket& b : buckets_)
      for (const Bucket::Member& m : b.members) {
        Tensor& p = params_[m.param].second;
        p.set_grad(flat_view(b.flat, p.shape(), m.offset));
      }
  }
  return waited;
}

double DataParallelOptimizer::step(double lr, double max_norm) {
  // This rank's share of the gradients: its shard's pieces under ZeRO-1, else every parameter.
  nn::NamedTensors local;
  if (sharded_)
    for (const Piece& p : pieces_) local.emplace_back(params_[p.param].first, p.view);
  else
    local = params_;
  std::vector<Tensor> tensors;
  for (const auto& named : local) tensors.push_back(named.second);
  double squares = optim::grad_squared_sum(tensors);
  if (sharded_) squares = comm_.all_reduce(squares, dist::ReduceOp::sum);
  const double norm = std::sqrt(squares);
  // Before the update: the parameters and the last checkpoint stay as they were.
  if (!std::isfinite(norm)) throw DivergedError(non_finite_gradient(local));
  optim::clip_grads_to(tensors, norm, max_norm);
  adamw_->step(lr);
  if (sharded_) all_gather_parameters();
  return norm;
}

std::string DataParallelOptimizer::non_finite_gradient(const nn::NamedTensors& local) const {
  const std::optional<std::string> where = first_non_finite(local, Holder::gradients);
  return "a gradient became non-finite at step " + std::to_string(steps() + 1) + ": " +
         (where ? "the gradient of " + *where : "on another rank") +
         " (the last checkpoint is kept; lower training.lr, raise training.warmup_steps or set training.grad_clip)";
}

void DataParallelOptimizer::all_gather_parameters() {
  const int ranks = comm_.size(), rank = comm_.rank();
  for (Bucket& b : buckets_) {
    const int64_t shard = b.shard_length(ranks);
    for (const Piece& p : pieces_)
      if (&buckets_[p.bucket] == &b) copy_floats(p.view, 0, b.flat, rank * shard + p.shard_offset, p.length);
    float* flat = b.flat.data<float>();
    b.request = comm_.start_all_gather(flat + rank * shard, flat, static_cast<size_t>(shard));
  }
  for (Bucket& b : buckets_) {
    b.request->wait();
    b.request.reset();
    for (const Bucket::Member& m : b.members) {
      const Tensor& p = params_[m.param].second;
      copy_floats(b.flat, m.offset, p, 0, p.numel());
    }
  }
}

std::unique_ptr<optim::AdamW> DataParallelOptimizer::full_size_optimizer() const {
  return std::make_unique<optim::AdamW>(params_, adamw_config_);
}

void DataParallelOptimizer::save(const std::string& path, TrainState state) {
  if (!sharded_) {
    if (comm_.is_root()) {
      state.optimizer = adamw_.get();
      save_train_state(path, state);
    }
    return;
  }
  // Moment by moment and bucket by bucket, the shards meet on every rank; rank 0 keeps them.
  std::unique_ptr<optim::AdamW> full = comm_.is_root() ? full_size_optimizer() : nullptr;
  const nn::NamedTensors mine = adamw_->state();
  const nn::NamedTensors all = full ? full->state() : nn::NamedTensors{};
  const int ranks = comm_.size(), rank = comm_.rank();
  for (size_t moment = 0; moment < 2; ++moment)
    for (size_t b = 0; b < buckets_.size(); ++b) {
      Bucket& bucket = buckets_[b];
      const int64_t shard = bucket.shard_length(ranks);
      for (size_t i = 0; i < pieces_.size(); ++i)
        if (pieces_[i].bucket == b)
          copy_floats(mine[moment * pieces_.size() + i].second, 0, bucket.flat, rank * shard + pieces_[i].shard_offset,
                      pieces_[i].length);
      float* flat = bucket.flat.data<float>();
      comm_.all_gather(flat + rank * shard, flat, static_cast<size_t>(shard));
      if (full)
        for (const Bucket::Member& m : bucket.members)
          copy_floats(bucket.flat, m.offset, all[moment * params_.size() + m.param].second, 0,
                      params_[m.param].second.numel());
    }
  if (!full) return;
  full->set_steps(adamw_->steps());
  state.optimizer = full.get();
  save_train_state(path, state);
}

io::CheckpointMeta DataParallelOptimizer::load(const std::string& path, TrainState state) {
  if (!sharded_) {
    state.optimizer = adamw_.get();
    return load_train_state(path, state);
  }
  std::unique_ptr<optim::AdamW> full = full_size_optimizer();
  state.optimizer = full.get();
  io::CheckpointMeta meta = load_train_state(path, state);
  adamw_->set_steps(full->steps());
  const nn::NamedTensors mine = adamw_->state(), all = full->state();
  for (size_t moment = 0; moment < 2; ++moment)
    for (size_t i = 0; i < pieces_.size(); ++i) {
      const Piece& p = pieces_[i];
      copy_floats(all[moment * params_.size() + p.param].second, p.param_offset, mine[moment * pieces_.size() + i].second,
                  0, p.length);
    }
  return meta;
}

}  // namespace tessera::training
