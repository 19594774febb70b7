// Grid sizes of CUDA launches that grow with the problem (core/ops/cuda/grid_plan.h). Host
// logic: runs without a GPU.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "core/ops/cuda/grid_plan.h"

namespace tessera::cuda {
namespace {

// Every row in exactly one non-empty chunk, and no more chunks than gridDim.y allows.
void expect_covers(int64_t rows) {
  const ColumnSumChunks plan = column_sum_chunks(rows);
  EXPECT_GE(plan.chunks, 1) << rows;
  EXPECT_LE(plan.chunks, kMaxGridY) << rows;
  EXPECT_GE(plan.rows_per_chunk * plan.chunks, rows) << rows;
  if (rows > 0) {
    EXPECT_LT((plan.chunks - 1) * plan.rows_per_chunk, rows) << rows << ": an empty last chunk";
  }
}

TEST(ColumnSumChunks, CoverEveryRowWithinTheGridLimit) {
  for (int64_t rows : {int64_t{0}, int64_t{1}, int64_t{255}, int64_t{256}, int64_t{257}, int64_t{1} << 20,
                       int64_t{256} * kMaxGridY, int64_t{256} * kMaxGridY + 1, int64_t{1} << 26, int64_t{1} << 34,
                       (int64_t{1} << 40) + 12345})
    expect_covers(rows);
}

TEST(ColumnSumChunks, BeyondTheLimitChunksGrowInsteadOfTheGrid) {
  const int64_t rows = int64_t{1} << 26;  // 67 M rows: 262144 chunks of 256 would overflow gridDim.y
  EXPECT_GT(rows / 256, kMaxGridY);
  EXPECT_GT(column_sum_chunks(rows).rows_per_chunk, 256);
}

TEST(ColumnSumChunks, SmallInputsKeep256RowChunks) {
  EXPECT_EQ(column_sum_chunks(1000).rows_per_chunk, 256);
  EXPECT_EQ(column_sum_chunks(1000).chunks, 4);
}

TEST(FirstBlocks, BlocksGrowWithEachTensorsElements) {
  const std::vector<int64_t> numels{768, 38'597'376, 1, kElementsPerBlock, kElementsPerBlock + 1};
  const std::vector<int64_t> first = first_blocks(numels);
  ASSERT_EQ(first.size(), numels.size() + 1);
  EXPECT_EQ(first.front(), 0);
  for (size_t i = 0; i < numels.size(); ++i) {
    const int64_t blocks = first[i + 1] - first[i];
    EXPECT_GE(blocks, 1) << i;
    EXPECT_GE(blocks * kElementsPerBlock, numels[i]) << i << ": too few blocks";
    EXPECT_LT((blocks - 1) * kElementsPerBlock, numels[i] == 0 ? 1 : numels[i]) << i << ": an idle block";
  }
  EXPECT_EQ(first[1] - first[0], 1);  // a bias: one block, not 64
  EXPECT_GT(first[2] - first[1], 64);  // an embedding: far more than 64
}

TEST(FirstBlocks, AnEmptyTensorStillOwnsOneBlock) {
  const std::vector<int64_t> first = first_blocks({0, 10});
  EXPECT_EQ(first, (std::vector<int64_t>{0, 1, 2}));
}

}  // namespace
}  // namespace tessera::cuda
