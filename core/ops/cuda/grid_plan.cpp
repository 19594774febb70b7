#include "core/ops/cuda/grid_plan.h"

#include <algorithm>

namespace tessera::cuda {

ColumnSumChunks column_sum_chunks(int64_t rows) {
  constexpr int64_t kMinRowsPerChunk = 256;
  const int64_t per_chunk = std::max(kMinRowsPerChunk, (rows + kMaxGridY - 1) / kMaxGridY);
  return {per_chunk, std::max<int64_t>(1, (rows + per_chunk - 1) / per_chunk)};
}

std::vector<int64_t> first_blocks(const std::vector<int64_t>& numels) {
  std::vector<int64_t> first{0};
  for (int64_t n : numels) first.push_back(first.back() + std::max<int64_t>(1, (n + kElementsPerBlock - 1) / kElementsPerBlock));
  return first;
}

}  // namespace tessera::cuda
