#pragma once
// Grid sizes of CUDA launches that depend on the problem size: host logic, tested without a GPU.
#include <cstdint>

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

}  // namespace tessera::cuda
