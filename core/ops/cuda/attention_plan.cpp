#include "core/ops/cuda/attention_plan.h"

#include <algorithm>

namespace tessera::cuda::attention_plan {

bool tensor_core_head_dim(int head_dim) { return head_dim == 64 || head_dim == 128; }

bool forward_on_tensor_cores(int head_dim, size_t shared_memory_optin) {
  return tensor_core_head_dim(head_dim) && forward_bytes(head_dim) <= shared_memory_optin;
}

bool backward_on_tensor_cores(int head_dim, size_t shared_memory_optin) {
  return tensor_core_head_dim(head_dim) &&
         std::max(grad_q_bytes(head_dim), grad_kv_bytes(head_dim)) <= shared_memory_optin;
}

}  // namespace tessera::cuda::attention_plan
