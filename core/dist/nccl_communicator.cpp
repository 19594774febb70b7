#include "core/dist/nccl_communicator.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/io/atomic_file.h"
#include "core/util/error.h"

namespace tessera::dist {
namespace {

void check(ncclResult_t code, const char* call) {
  if (code != ncclSuccess) throw Error(std::string(call) + " failed: " + ncclGetErrorString(code));
}

void check(cudaError_t code, const char* call) {
  if (code != cudaSuccess) throw Error(std::string(call) + " failed: " + cudaGetErrorString(code));
}

void write_id(const std::string& path, const ncclUniqueId& id) {
  io::write_atomically(path, [&](const std::string& tmp) {
    std::ofstream out(tmp, std::ios::binary);
    out.write(id.internal, sizeof id.internal);
    if (!out.flush()) throw InputError(path, "cannot write the NCCL id file");
  });
}

// The file appears whole (it is renamed into place), so a complete read means a complete id.
ncclUniqueId wait_for_id(const std::string& path, double timeout_s) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (true) {
    std::ifstream in(path, std::ios::binary);
    ncclUniqueId id;
    if (in && in.read(id.internal, sizeof id.internal)) return id;
    if (std::chrono::steady_clock::now() > deadline)
      throw InputError(path, "no NCCL id from rank 0 after " + std::to_string(timeout_s) + " s");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace

std::string nccl_id_file_from_environment() {
  const char* path = std::getenv("TESSERA_NCCL_ID_FILE");
  return path ? path : "";
}

NcclCommunicator::NcclCommunicator(Communicator& host, int device)
    : rank_(host.rank()), size_(host.size()), device_(device) {
  ncclUniqueId id;
  if (host.is_root()) check(ncclGetUniqueId(&id), "ncclGetUniqueId");
  host.broadcast(&id, sizeof id, 0);
  init(id);
}

NcclCommunicator::NcclCommunicator(int rank, int size, int device, const std::string& id_file, double timeout_s)
    : rank_(rank), size_(size), device_(device) {
  ncclUniqueId id;
  if (rank == 0) {
    check(ncclGetUniqueId(&id), "ncclGetUniqueId");
    write_id(id_file, id);
  } else {
    id = wait_for_id(id_file, timeout_s);
  }
  init(id);
}

void NcclCommunicator::init(const ncclUniqueId& id) {
  check(cudaSetDevice(device_), "cudaSetDevice");
  check(ncclCommInitRank(&comm_, size_, id, rank_), "ncclCommInitRank");
}

NcclCommunicator::~NcclCommunicator() {
  if (comm_) ncclCommDestroy(comm_);
}

void NcclCommunicator::all_reduce(float* data, size_t count, cudaStream_t stream) {
  check(ncclAllReduce(data, data, count, ncclFloat32, ncclSum, comm_, stream), "ncclAllReduce");
}

void NcclCommunicator::reduce_scatter(const float* send, float* recv, size_t count, cudaStream_t stream) {
  check(ncclReduceScatter(send, recv, count, ncclFloat32, ncclSum, comm_, stream), "ncclReduceScatter");
}

void NcclCommunicator::all_gather(const float* send, float* recv, size_t count, cudaStream_t stream) {
  check(ncclAllGather(send, recv, count, ncclFloat32, comm_, stream), "ncclAllGather");
}

void NcclCommunicator::broadcast(void* data, size_t bytes, int root, cudaStream_t stream) {
  check(ncclBroadcast(data, data, bytes, ncclUint8, root, comm_, stream), "ncclBroadcast");
}

}  // namespace tessera::dist
