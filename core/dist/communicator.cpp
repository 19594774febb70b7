#include "core/dist/communicator.h"

#include <unistd.h>

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
};

std::unique_ptr<Communicator>& slot() {
  static std::unique_ptr<Communicator> current = std::make_unique<SingleProcess>();
  return current;
}

}  // namespace

Communicator& world() { return *slot(); }

void set_world(std::unique_ptr<Communicator> communicator) {
  slot() = communicator ? std::move(communicator) : std::make_unique<SingleProcess>();
}

}  // namespace tessera::dist
