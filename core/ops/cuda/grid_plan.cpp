#include "core/ops/cuda/grid_plan.h"

#include <algorithm>

namespace tessera::cuda {

ColumnSumChunks column_sum_chunks(int64_t rows) {
  constexpr int64_t kMinRowsPerChunk = 256;
  const int64_t per_chunk = std::max(kMinRowsPerChunk, (rows + kMaxGridY - 1) / kMaxGridY);
  return {per_chunk, std::max<int64_t>(1, (rows + per_chunk - 1) / per_chunk)};
}

}  // namespace tessera::cuda
