#pragma once
// Grid sizes of CUDA launches that depend on the problem size: host logic, tested without a GPU.
#include <cstdint>
#include <vector>

namespace tessera::cuda {

// gridDim.y and gridDim.z are at most 65535.
constexpr int64_t kMaxGridY = 65535;

// The bias gradient's column sums add rows in chunks, one block row each, then the chunks in
// order (deterministic). Chunks hold at least 256 rows, more when there would be over kMaxGridY
// of them (beyond 16.7 M rows).
struct ColumnSumChunks {
  int64_t rows_per_chunk;
  int64_t chunks;  // at least 1
};
ColumnSumChunks column_sum_chunks(int64_t rows);

// Kernels over a list of tensors (AdamW, the global gradient norm) run one 1-D grid in which each
// tensor has blocks in proportion to its elements, at least one: a bias of 768 elements one
// block, an embedding of 38 M elements thousands. Returns each tensor's first block, and last
// the total.
constexpr int64_t kElementsPerBlock = 4096;
std::vector<int64_t> first_blocks(const std::vector<int64_t>& numels);

}  // namespace tessera::cuda
