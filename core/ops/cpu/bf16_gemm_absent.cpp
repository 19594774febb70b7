// A build without oneDNN: bf16 products are never available, so callers fall back to fp32.
#include "core/ops/cpu/bf16_gemm.h"

#include "core/util/error.h"

namespace tessera::cpu {

bool bf16_gemm_available() { return false; }

namespace {
[[noreturn]] void no_onednn() {
  throw Error("bf16 matrix products need oneDNN: install libdnnl-dev and rebuild with -DTESSERA_DNNL=ON");
}
}  // namespace

void bf16_gemm(bool, bool, int64_t, int64_t, int64_t, float, const float*, int64_t, const float*, int64_t, float, float*,
               int64_t) {
  no_onednn();
}

void bf16_gemm(bool, bool, int64_t, int64_t, int64_t, float, const bf16*, int64_t, const bf16*, int64_t, float, float*,
               int64_t) {
  no_onednn();
}

}  // namespace tessera::cpu
