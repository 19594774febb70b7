#include "core/dist/mpi_communicator.h"

// The C API only: the deprecated C++ bindings add nothing and warn under -Wextra.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <algorithm>
#include <climits>
#include <vector>

#include "core/util/error.h"

namespace tessera::dist {
namespace {

void check(int code, const char* call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw Error(std::string(call) + " failed: " + std::string(text, static_cast<size_t>(length)));
}

int as_count(size_t count) {
  if (count > static_cast<size_t>(INT_MAX)) throw Error("MPI: a collective of more than INT_MAX elements");
  return static_cast<int>(count);
}

MPI_Op mpi_op(ReduceOp op) {
  switch (op) {
    case ReduceOp::sum: return MPI_SUM;
    case ReduceOp::max: return MPI_MAX;
    case ReduceOp::min: return MPI_MIN;
  }
  return MPI_SUM;
}

class MpiRequest final : public Request {
 public:
  MpiRequest() = default;
  MpiRequest(const MpiRequest&) = delete;
  MpiRequest& operator=(const MpiRequest&) = delete;
  // A request that is dropped unfinished is completed first: its buffers may be freed next.
  ~MpiRequest() override {
    if (request_ != MPI_REQUEST_NULL) MPI_Wait(&request_, MPI_STATUS_IGNORE);
  }
  bool test() override {
    int done = 0;
    check(MPI_Test(&request_, &done, MPI_STATUS_IGNORE), "MPI_Test");
    return done != 0;
  }
  void wait() override { check(MPI_Wait(&request_, MPI_STATUS_IGNORE), "MPI_Wait"); }
  MPI_Request* handle() { return &request_; }

 private:
  MPI_Request request_ = MPI_REQUEST_NULL;
};

class MpiCommunicator final : public Communicator {
 public:
  MpiCommunicator() {
    check(MPI_Comm_dup(MPI_COMM_WORLD, &comm_), "MPI_Comm_dup");
    MPI_Comm_rank(comm_, &rank_);
    MPI_Comm_size(comm_, &size_);
    check(MPI_Comm_split_type(comm_, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node_), "MPI_Comm_split_type");
    MPI_Comm_rank(node_, &local_rank_);
    MPI_Comm_size(node_, &local_size_);
    char name[MPI_MAX_PROCESSOR_NAME];
    int length = 0;
    MPI_Get_processor_name(name, &length);
    node_name_.assign(name, static_cast<size_t>(length));
  }
  ~MpiCommunicator() override {
    MPI_Comm_free(&node_);
    MPI_Comm_free(&comm_);
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  int local_rank() const override { return local_rank_; }
  int local_size() const override { return local_size_; }
  std::string node_name() const override { return node_name_; }

  void all_reduce(double* values, size_t count, ReduceOp op) override {
    check(MPI_Allreduce(MPI_IN_PLACE, values, as_count(count), MPI_DOUBLE, mpi_op(op), comm_), "MPI_Allreduce");
  }
  void barrier() override { check(MPI_Barrier(comm_), "MPI_Barrier"); }

  std::unique_ptr<Request> start_all_reduce(float* data, size_t count) override {
    auto r = std::make_unique<MpiRequest>();
    check(MPI_Iallreduce(MPI_IN_PLACE, data, as_count(count), MPI_FLOAT, MPI_SUM, comm_, r->handle()), "MPI_Iallreduce");
    return r;
  }
  std::unique_ptr<Request> start_reduce_scatter(const float* send, float* recv, size_t count) override {
    auto r = std::make_unique<MpiRequest>();
    check(MPI_Ireduce_scatter_block(send, recv, as_count(count), MPI_FLOAT, MPI_SUM, comm_, r->handle()),
          "MPI_Ireduce_scatter_block");
    return r;
  }
  std::unique_ptr<Request> start_all_gather(const float* send, float* recv, size_t count) override {
    auto r = std::make_unique<MpiRequest>();
    const bool in_place = send == recv + static_cast<size_t>(rank_) * count;
    check(MPI_Iallgather(in_place ? MPI_IN_PLACE : send, as_count(count), MPI_FLOAT, recv, as_count(count), MPI_FLOAT,
                         comm_, r->handle()),
          "MPI_Iallgather");
    return r;
  }
  void broadcast(void* data, size_t bytes, int root) override {
    char* p = static_cast<char*>(data);
    for (size_t done = 0; done < bytes;) {  // MPI counts are ints: large buffers go in chunks
      const size_t chunk = std::min(bytes - done, static_cast<size_t>(1) << 30);
      check(MPI_Bcast(p + done, as_count(chunk), MPI_BYTE, root, comm_), "MPI_Bcast");
      done += chunk;
    }
  }

 private:
  MPI_Comm comm_ = MPI_COMM_NULL, node_ = MPI_COMM_NULL;
  int rank_ = 0, size_ = 1, local_rank_ = 0, local_size_ = 1;
  std::string node_name_;
};

}  // namespace

std::unique_ptr<Communicator> start_mpi() {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) {
    // Only the thread that runs the training loop calls MPI.
    int provided = 0;
    check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  }
  return std::make_unique<MpiCommunicator>();
}

void finish_mpi() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

}  // namespace tessera::dist
