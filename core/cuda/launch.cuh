#pragma once
// Launch shapes for element-wise and row-wise kernels.
#include <cstdint>

namespace tessera::cuda {

constexpr int kThreads = 256;

// Enough blocks of kThreads to cover n elements with a grid-stride loop, capped so that very
// large tensors reuse blocks instead of launching millions of them.
inline unsigned blocks_for(int64_t n) {
  const int64_t b = (n + kThreads - 1) / kThreads;
  return static_cast<unsigned>(b < 1 ? 1 : (b > 65535 * 8 ? 65535 * 8 : b));
}

}  // namespace tessera::cuda
