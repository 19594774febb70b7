#pragma once
// NCCL collectives on GPU buffers: one rank per GPU, each call enqueued on a CUDA stream (it
// returns at once; work queued after it on the stream sees the result). Ranks find each other
// through the NCCL unique id, which rank 0 creates and hands out either over the host
// communicator (MPI broadcast) or through a file on a shared file system, for Slurm jobs
// launched without PMIx where MPI cannot start. Compiled when CUDA and NCCL are found.
#include <cuda_runtime_api.h>
#include <nccl.h>

#include <string>

#include "core/dist/communicator.h"

namespace tessera::dist {

// The path in TESSERA_NCCL_ID_FILE, or "" when unset. Use one path per job (put the job id in it):
// a file left by an earlier job would hand out a stale id.
std::string nccl_id_file_from_environment();

class NcclCommunicator {
 public:
  // Same ranks as `host`; the id travels by host.broadcast(). Binds this thread to `device`.
  NcclCommunicator(Communicator& host, int device);
  // Ranks without a host communicator: rank 0 writes the id to `id_file` (atomically), the
  // others wait up to `timeout_s` seconds for it to appear.
  NcclCommunicator(int rank, int size, int device, const std::string& id_file, double timeout_s = 300);
  ~NcclCommunicator();
  NcclCommunicator(const NcclCommunicator&) = delete;
  NcclCommunicator& operator=(const NcclCommunicator&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  int device() const { return device_; }

  // Buffers as in dist::Communicator: sum in place; reduce-scatter from size() blocks of `count`;
  // all-gather `count` floats from every rank (in place when send == recv + rank() * count).
  void all_reduce(float* data, size_t count, cudaStream_t stream);
  void reduce_scatter(const float* send, float* recv, size_t count, cudaStream_t stream);
  void all_gather(const float* send, float* recv, size_t count, cudaStream_t stream);
  void broadcast(void* data, size_t bytes, int root, cudaStream_t stream);

 private:
  void init(const ncclUniqueId& id);
  ncclComm_t comm_ = nullptr;
  int rank_ = 0, size_ = 1, device_ = 0;
};

}  // namespace tessera::dist
