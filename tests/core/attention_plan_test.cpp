// Which fused bf16 attention kernels a device can run (core/ops/cuda/attention_plan.h): the
// tensor-core kernels where their shared memory fits the device's opt-in limit, the CUDA-core
// kernels elsewhere, instead of a failed launch. Host logic: runs without a GPU.
#include <gtest/gtest.h>

#include "core/ops/cuda/attention_plan.h"

namespace tessera::cuda::attention_plan {
namespace {

// cudaDevAttrMaxSharedMemoryPerBlockOptin of each architecture (CUDA programming guide).
constexpr size_t kOptinSm86 = 99 * 1024, kOptinSm80 = 163 * 1024, kOptinSm90 = 227 * 1024;
constexpr size_t kStaticLimit = 48 * 1024;

TEST(AttentionPlan, HeadDim128NeedsMoreSharedMemoryThanSm86Offers) {
  EXPECT_GT(grad_q_bytes(128), kOptinSm86);
  EXPECT_GT(grad_kv_bytes(128), kOptinSm86);
  EXPECT_FALSE(backward_on_tensor_cores(128, kOptinSm86));
}

TEST(AttentionPlan, HeadDim128RunsOnTensorCoresOnA100AndHopper) {
  for (size_t optin : {kOptinSm80, kOptinSm90}) {
    EXPECT_TRUE(forward_on_tensor_cores(128, optin)) << optin;
    EXPECT_TRUE(backward_on_tensor_cores(128, optin)) << optin;
  }
}

TEST(AttentionPlan, HeadDim64FitsEveryArchitectureButNeedsTheOptIn) {
  for (size_t optin : {kOptinSm86, kOptinSm80, kOptinSm90}) {
    EXPECT_TRUE(forward_on_tensor_cores(64, optin)) << optin;
    EXPECT_TRUE(backward_on_tensor_cores(64, optin)) << optin;
  }
  EXPECT_GT(forward_bytes(64), kStaticLimit);
  EXPECT_FALSE(forward_on_tensor_cores(64, kStaticLimit));
}

TEST(AttentionPlan, OtherHeadDimsStayOnCudaCores) {
  for (int head_dim : {16, 32, 80, 96, 127})
    EXPECT_FALSE(forward_on_tensor_cores(head_dim, kOptinSm90) || backward_on_tensor_cores(head_dim, kOptinSm90))
        << head_dim;
}

TEST(AttentionPlan, SharedMemoryGrowsWithTheHeadDim) {
  EXPECT_LT(forward_bytes(64), forward_bytes(128));
  EXPECT_LT(grad_q_bytes(64), grad_q_bytes(128));
  EXPECT_LT(grad_kv_bytes(64), grad_kv_bytes(128));
}

}  // namespace
}  // namespace tessera::cuda::attention_plan
