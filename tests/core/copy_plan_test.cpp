// The stream a copy is queued on, and the source stream a copy between two GPUs waits for
// (core/cuda/copy_plan.h). Host logic: runs without a GPU.
#include <gtest/gtest.h>

#include "core/cuda/copy_plan.h"

namespace tessera::cuda {
namespace {

TEST(CopyPlan, BetweenTwoGpusTheCopyOnTheDestinationWaitsForTheSource) {
  const CopyPlan plan = plan_copy(Device::cuda(1), Device::cuda(0));
  EXPECT_EQ(plan.copy_on, Device::cuda(1));
  ASSERT_TRUE(plan.wait_for.has_value());
  EXPECT_EQ(*plan.wait_for, Device::cuda(0));
}

TEST(CopyPlan, HostCopiesRunOnTheGpusStreamAlone) {
  const CopyPlan upload = plan_copy(Device::cuda(2), Device::cpu());
  EXPECT_EQ(upload.copy_on, Device::cuda(2));
  EXPECT_FALSE(upload.wait_for.has_value());
  const CopyPlan download = plan_copy(Device::cpu(), Device::cuda(3));
  EXPECT_EQ(download.copy_on, Device::cuda(3));
  EXPECT_FALSE(download.wait_for.has_value());
}

TEST(CopyPlan, WithinOneGpuTheOneStreamAlreadyOrdersTheCopy) {
  const CopyPlan plan = plan_copy(Device::cuda(1), Device::cuda(1));
  EXPECT_EQ(plan.copy_on, Device::cuda(1));
  EXPECT_FALSE(plan.wait_for.has_value());
}

}  // namespace
}  // namespace tessera::cuda
