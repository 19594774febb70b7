// The NCCL communicator on one GPU: the id handed over through a file, and each collective's
// result on device memory. Skipped on machines without a GPU.
#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "core/dist/nccl_communicator.h"
#include "tests/support/scratch_dir.h"

namespace tessera {
namespace {

class NcclOneRank : public ::testing::Test {
 protected:
  void SetUp() override {
    int devices = 0;
    if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) GTEST_SKIP() << "no CUDA device";
    comm_ = std::make_unique<dist::NcclCommunicator>(0, 1, 0, id_file_.string());
    ASSERT_EQ(cudaMalloc(&device_, 8 * sizeof(float)), cudaSuccess);
  }
  void TearDown() override {
    if (device_) cudaFree(device_);
  }
  void upload(const std::vector<float>& v) {
    ASSERT_EQ(cudaMemcpy(device_, v.data(), v.size() * sizeof(float), cudaMemcpyHostToDevice), cudaSuccess);
  }
  std::vector<float> download(size_t n) {
    std::vector<float> v(n);
    EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess);
    EXPECT_EQ(cudaMemcpy(v.data(), device_, n * sizeof(float), cudaMemcpyDeviceToHost), cudaSuccess);
    return v;
  }

  const test_support::ScratchDir scratch_;
  const std::filesystem::path id_file_ = scratch_ / "nccl-id";
  std::unique_ptr<dist::NcclCommunicator> comm_;
  float* device_ = nullptr;
};

TEST_F(NcclOneRank, IdFileIsWrittenAndCollectivesRun) {
  EXPECT_TRUE(std::filesystem::exists(id_file_));
  upload({1, 2, 3, 4});
  comm_->all_reduce(device_, 4, nullptr);
  EXPECT_EQ(download(4), (std::vector<float>{1, 2, 3, 4}));
  comm_->reduce_scatter(device_, device_ + 4, 4, nullptr);
  comm_->all_gather(device_ + 4, device_, 4, nullptr);
  EXPECT_EQ(download(8), (std::vector<float>{1, 2, 3, 4, 1, 2, 3, 4}));
  float value = 7;
  float* one = device_ + 7;
  ASSERT_EQ(cudaMemcpy(one, &value, sizeof value, cudaMemcpyHostToDevice), cudaSuccess);
  comm_->broadcast(one, sizeof value, 0, nullptr);
  EXPECT_EQ(download(8)[7], 7.0f);
}

}  // namespace
}  // namespace tessera
