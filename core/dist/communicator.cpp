#include "core/dist/communicator.h"

#include <unistd.h>

#include <cstring>

#include "core/util/error.h"

namespace tessera::dist {
namespace {

class SingleProcess final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  int local_rank() const override { return 0; }
  int local_size() const override { return 1; }
  std::string node_name() const override {
    char name[256] = {};
    gethostname(name, sizeof(name) - 1);
    return name;
  }
  void all_reduce(double*, size_t, ReduceOp) override {}
  void barrier() override {}
  std::unique_ptr<Request> start_all_reduce(float*, size_t) override { return std::make_unique<CompletedRequest>(); }
  std::unique_ptr<Request> start_reduce_scatter(const float* send, float* recv, size_t count) override {
    return copy(send, recv, count);
  }
  std::unique_ptr<Request> start_all_gather(const float* send, float* recv, size_t count) override {
    return copy(send, recv, count);
  }
  void broadcast(void*, size_t, int) override {}

 private:
  static std::unique_ptr<Request> copy(const float* from, float* to, size_t count) {
    if (from != to && count > 0) std::memmove(to, from, count * sizeof(float));
    return std::make_unique<CompletedRequest>();
  }
};

std::unique_ptr<Communicator>& slot() {
  static std::unique_ptr<Communicator> current = std::make_unique<SingleProcess>();
  return current;
}

void check_host_f32(const Tensor& t, const char* what) {
  TESSERA_CHECK(t.dtype() == DType::f32 && t.is_contiguous() && t.device().is_cpu(),
                std::string(what) + ": needs a contiguous f32 tensor on the CPU");
}

}  // namespace

void Communicator::all_reduce(const Tensor& t) {
  check_host_f32(t, "all_reduce");
  all_reduce(t.data<float>(), static_cast<size_t>(t.numel()));
}

void Communicator::reduce_scatter(const Tensor& send, const Tensor& recv) {
  check_host_f32(send, "reduce_scatter");
  check_host_f32(recv, "reduce_scatter");
  TESSERA_CHECK(send.numel() == recv.numel() * size(), "reduce_scatter: send must hold size() * recv.numel() elements");
  reduce_scatter(send.data<float>(), recv.data<float>(), static_cast<size_t>(recv.numel()));
}

void Communicator::all_gather(const Tensor& send, const Tensor& recv) {
  check_host_f32(send, "all_gather");
  check_host_f32(recv, "all_gather");
  TESSERA_CHECK(recv.numel() == send.numel() * size(), "all_gather: recv must hold size() * send.numel() elements");
  all_gather(send.data<float>(), recv.data<float>(), static_cast<size_t>(send.numel()));
}

void Communicator::broadcast(const Tensor& t, int root) {
  TESSERA_CHECK(t.is_contiguous() && t.device().is_cpu(), "broadcast: needs a contiguous tensor on the CPU");
  broadcast(t.raw_data(), t.nbytes(), root);
}

Communicator& world() { return *slot(); }

void set_world(std::unique_ptr<Communicator> communicator) {
  slot() = communicator ? std::move(communicator) : std::make_unique<SingleProcess>();
}

}  // namespace tessera::dist
