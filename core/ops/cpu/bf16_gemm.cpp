#include "core/ops/cpu/bf16_gemm.h"

#include <omp.h>
#include <oneapi/dnnl/dnnl.hpp>

#include <cstddef>
#include <map>
#include <memory>
#include <new>
#include <mutex>
#include <tuple>

#include "core/ops/cpu/bf16_round.h"
#include "core/tensor/bf16.h"

namespace tessera::cpu {
namespace {

using dnnl::memory;

const dnnl::engine& cpu_engine() {
  static const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

// Grow-only, 64-byte aligned storage that is never initialized: std::vector::resize zeroes every
// element it adds, and consecutive products differ in size, so the operand and scratchpad vectors
// were zeroed by megabytes on most calls.
class ScratchBuffer {
 public:
  template <class T>
  T* get(size_t count) {
    const size_t bytes = count * sizeof(T);
    if (bytes > capacity_) {
      storage_.reset(static_cast<std::byte*>(::operator new(bytes, kAlignment)));
      capacity_ = bytes;
    }
    return reinterpret_cast<T*>(storage_.get());
  }

 private:
  static constexpr std::align_val_t kAlignment{64};
  struct Free {
    void operator()(std::byte* p) const { ::operator delete(p, kAlignment); }
  };
  std::unique_ptr<std::byte, Free> storage_;
  size_t capacity_ = 0;
};

// Rounds the rows x cols matrix at `src` (row stride ld) into `dst`, packed. Split over the
// threads unless the caller already runs on one of several (attention's blocks).
bf16* round_operand(const float* src, int64_t rows, int64_t cols, int64_t ld, ScratchBuffer& dst) {
  bf16* out = dst.get<bf16>(static_cast<size_t>(rows * cols));
#pragma omp parallel for if (!omp_in_parallel() && rows * cols >= (int64_t(1) << 15))
  for (int64_t r = 0; r < rows; ++r) round_to_bf16(src + r * ld, cols, out + r * cols);
  return out;
}

// An operand of logical shape rows x cols, stored transposed when `trans`, rows `ld` apart.
memory::desc operand(int64_t rows, int64_t cols, bool trans, int64_t ld) {
  return memory::desc({rows, cols}, memory::data_type::bf16, trans ? memory::dims{1, ld} : memory::dims{ld, 1});
}

// Primitives are costly to make (a JIT kernel each): one per shape, transposes, leading dimensions
// and scales.
// Their scratchpad is ours (one per thread, at each call): with oneDNN's own, one per primitive,
// two threads running the same product at once (attention's blocks) overwrote each other's.
using Key = std::tuple<bool, bool, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, float, float>;

struct Matmul {
  dnnl::matmul::primitive_desc desc;
  dnnl::matmul primitive;
};

const Matmul& primitive_for(const Key& key) {
  static std::mutex mutex;
  static std::map<Key, Matmul> primitives;
  std::lock_guard<std::mutex> lock(mutex);
  auto found = primitives.find(key);
  if (found != primitives.end()) return found->second;
  const auto [ta, tb, m, n, k, lda, ldb, ldc, alpha, beta] = key;
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  if (alpha != 1.0f) attr.set_output_scales(0, {alpha});
  if (beta != 0.0f) {
    dnnl::post_ops sum;
    sum.append_sum(beta);
    attr.set_post_ops(sum);
  }
  const memory::desc c_desc({m, n}, memory::data_type::f32, memory::dims{ldc, 1});
  const dnnl::matmul::primitive_desc desc(dnnl::matmul::desc(operand(m, k, ta, lda), operand(k, n, tb, ldb), c_desc), attr,
                                          cpu_engine());
  return primitives.emplace(key, Matmul{desc, dnnl::matmul(desc)}).first->second;
}

}  // namespace

bool bf16_gemm_available() {
  static const bool available = [] {
    const auto isa = static_cast<unsigned>(dnnl::get_effective_cpu_isa());
    const auto bf16_dot = static_cast<unsigned>(dnnl::cpu_isa::avx512_core_bf16);
    return (isa & bf16_dot) == bf16_dot;
  }();
  return available;
}

void bf16_gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda, const float* b,
               int64_t ldb, float beta, float* c, int64_t ldc) {
  // Rounded operands are kept per thread: attention calls this from many threads at once.
  thread_local ScratchBuffer a16, b16;
  const bool empty = m == 0 || n == 0 || k == 0;
  const bf16* a_rounded = empty ? nullptr : round_operand(a, ta ? k : m, ta ? m : k, lda, a16);
  const bf16* b_rounded = empty ? nullptr : round_operand(b, tb ? n : k, tb ? k : n, ldb, b16);
  bf16_gemm(ta, tb, m, n, k, alpha, a_rounded, ta ? m : k, b_rounded, tb ? k : n, beta, c, ldc);
}

void bf16_gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const bf16* a, int64_t lda, const bf16* b,
               int64_t ldb, float beta, float* c, int64_t ldc) {
  if (m == 0 || n == 0) return;
  if (k == 0) {  // an empty sum: oneDNN refuses a zero inner dimension
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) c[i * ldc + j] = beta == 0.0f ? 0.0f : beta * c[i * ldc + j];
    return;
  }
  thread_local ScratchBuffer scratchpad;
  thread_local dnnl::stream stream(cpu_engine());
  const Matmul& matmul = primitive_for(Key{ta, tb, m, n, k, lda, ldb, ldc, alpha, beta});
  const memory::desc scratchpad_desc = matmul.desc.scratchpad_desc();
  memory a_mem(matmul.desc.src_desc(), cpu_engine(), const_cast<bf16*>(a));
  memory b_mem(matmul.desc.weights_desc(), cpu_engine(), const_cast<bf16*>(b));
  memory c_mem(matmul.desc.dst_desc(), cpu_engine(), c);
  memory scratchpad_mem(scratchpad_desc, cpu_engine(), scratchpad.get<uint8_t>(scratchpad_desc.get_size()));
  matmul.primitive.execute(stream, {{DNNL_ARG_SRC, a_mem},
                                    {DNNL_ARG_WEIGHTS, b_mem},
                                    {DNNL_ARG_DST, c_mem},
                                    {DNNL_ARG_SCRATCHPAD, scratchpad_mem}});
  stream.wait();
}

}  // namespace tessera::cpu
