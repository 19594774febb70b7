#include <cublasLt.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>

#include "core/cuda/check.cuh"
#include "core/cuda/dtype.cuh"
#include "core/cuda/launch.cuh"
#include "core/cuda/runtime.h"
#include "core/cuda/toolkit_library.h"
#include "core/ops/cuda/activation.h"
#include "core/ops/cuda/gemm.h"
#include "core/ops/cuda/grid_plan.h"
#include "core/ops/matmul_precision.h"

#define TESSERA_CUBLAS_CHECK(call) TESSERA_CUDA_LIBRARY_CHECK(call, CUBLAS_STATUS_SUCCESS, cublaslt().cublasLtGetStatusString)

namespace tessera::cuda {
namespace {

// Every cuBLASLt function this file calls, from the library opened on first use.
#define TESSERA_CUBLASLT_FUNCTIONS(X) \
  X(cublasLtCreate) \
  X(cublasLtGetStatusString) \
  X(cublasLtMatmul) \
  X(cublasLtMatmulAlgoGetHeuristic) \
  X(cublasLtMatmulDescCreate) \
  X(cublasLtMatmulDescDestroy) \
  X(cublasLtMatmulDescSetAttribute) \
  X(cublasLtMatmulPreferenceCreate) \
  X(cublasLtMatmulPreferenceDestroy) \
  X(cublasLtMatmulPreferenceSetAttribute) \
  X(cublasLtMatrixLayoutCreate) \
  X(cublasLtMatrixLayoutDestroy) \
  X(cublasLtMatrixLayoutSetAttribute)
TESSERA_TOOLKIT_FUNCTIONS(CublasLt, TESSERA_CUBLASLT_FUNCTIONS);

const CublasLt& cublaslt() { return toolkit_functions<CublasLt>("libcublasLt.so." TESSERA_STRINGIFY(CUBLAS_VER_MAJOR)); }

constexpr size_t kWorkspaceBytes = size_t(32) << 20;

// One cuBLASLt handle and workspace per device, made on first use and kept for the process.
struct LtContext {
  cublasLtHandle_t handle = nullptr;
  void* workspace = nullptr;
};

LtContext& lt_context(Device device) {
  static std::mutex mutex;
  static std::map<int, LtContext> contexts;
  std::lock_guard<std::mutex> lock(mutex);
  LtContext& c = contexts[device.index];
  if (!c.handle) {
    if (!c.workspace) c.workspace = device_allocator().allocate(kWorkspaceBytes, device);
    TESSERA_CUBLAS_CHECK(cublaslt().cublasLtCreate(&c.handle));
  }
  return c;
}

// Storage, scale and compute types: bf16 multiplies in fp32; fp32 stays fp32 (no TF32, unless
// ops::tf32_matmul() allows it), so the CUDA results match the CPU reference to fp32 rounding.
template <class T>
struct LtTypes {
  static constexpr cudaDataType_t data = CUDA_R_32F, scale = CUDA_R_32F;
  static constexpr cublasComputeType_t compute = CUBLAS_COMPUTE_32F;
};
template <>
struct LtTypes<double> {
  static constexpr cudaDataType_t data = CUDA_R_64F, scale = CUDA_R_64F;
  static constexpr cublasComputeType_t compute = CUBLAS_COMPUTE_64F;
};
template <>
struct LtTypes<__nv_bfloat16> {
  static constexpr cudaDataType_t data = CUDA_R_16BF, scale = CUDA_R_32F;
  static constexpr cublasComputeType_t compute = CUBLAS_COMPUTE_32F;
};

struct MatmulDesc {
  cublasLtMatmulDesc_t handle = nullptr;
  ~MatmulDesc() { if (handle) cublaslt().cublasLtMatmulDescDestroy(handle); }
  template <class V>
  void set(cublasLtMatmulDescAttributes_t attribute, const V& value) {
    TESSERA_CUBLAS_CHECK(cublaslt().cublasLtMatmulDescSetAttribute(handle, attribute, &value, sizeof(value)));
  }
};

struct Layout {
  cublasLtMatrixLayout_t handle = nullptr;
  // A column-major rows x cols matrix with leading dimension ld, `batch` of them `stride` apart.
  Layout(cudaDataType_t type, int64_t rows, int64_t cols, int64_t ld, int64_t batch, int64_t stride) {
    TESSERA_CUBLAS_CHECK(cublaslt().cublasLtMatrixLayoutCreate(&handle, type, uint64_t(rows), uint64_t(cols), ld));
    if (batch > 1) {
      const int32_t count = static_cast<int32_t>(batch);
      TESSERA_CUBLAS_CHECK(cublaslt().cublasLtMatrixLayoutSetAttribute(handle, CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT, &count, sizeof(count)));
      TESSERA_CUBLAS_CHECK(cublaslt().cublasLtMatrixLayoutSetAttribute(handle, CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET, &stride, sizeof(stride)));
    }
  }
  ~Layout() { if (handle) cublaslt().cublasLtMatrixLayoutDestroy(handle); }
  Layout(const Layout&) = delete;
  Layout& operator=(const Layout&) = delete;
};

struct Preference {
  cublasLtMatmulPreference_t handle = nullptr;
  Preference() { TESSERA_CUBLAS_CHECK(cublaslt().cublasLtMatmulPreferenceCreate(&handle)); }
  ~Preference() { if (handle) cublaslt().cublasLtMatmulPreferenceDestroy(handle); }
  template <class V>
  void set(cublasLtMatmulPreferenceAttributes_t attribute, const V& value) {
    TESSERA_CUBLAS_CHECK(cublaslt().cublasLtMatmulPreferenceSetAttribute(handle, attribute, &value, sizeof(value)));
  }
};

// The largest power of two (up to 256) dividing the address: views may start anywhere, and an
// algorithm chosen for aligned pointers must not be used with less aligned ones.
uint32_t alignment(const void* p) {
  const auto address = reinterpret_cast<uintptr_t>(p);
  uint32_t a = 256;
  while (a > 1 && address % a != 0) a /= 2;
  return a;
}

struct Epilogue {
  cublasLtEpilogue_t kind = CUBLASLT_EPILOGUE_DEFAULT;
  const void* bias = nullptr;
  void* aux = nullptr;  // the GELU input, for the backward
  int64_t aux_ld = 0;
};

// Heuristic answers depend only on the problem, so each is asked once per problem; no answer
// (an epilogue or alignment cuBLASLt cannot do for this problem) is remembered too.
std::optional<cublasLtMatmulAlgo_t> find_algo(const LtContext& ctx, const MatmulDesc& desc, const Layout& la, const Layout& lb,
                               const Layout& lc, const std::string& key, uint32_t align_a, uint32_t align_b,
                               uint32_t align_c) {
  static std::mutex mutex;
  static std::map<std::string, std::optional<cublasLtMatmulAlgo_t>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto found = cache.find(key);
  if (found != cache.end()) return found->second;
  Preference pref;
  pref.set(CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, uint64_t(kWorkspaceBytes));
  pref.set(CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES, align_a);
  pref.set(CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES, align_b);
  pref.set(CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES, align_c);
  pref.set(CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES, align_c);
  cublasLtMatmulHeuristicResult_t result{};
  int returned = 0;
  const cublasStatus_t status = cublaslt().cublasLtMatmulAlgoGetHeuristic(ctx.handle, desc.handle, la.handle, lb.handle, lc.handle,
                                                               lc.handle, pref.handle, 1, &result, &returned);
  std::optional<cublasLtMatmulAlgo_t> algo;
  if (status == CUBLAS_STATUS_SUCCESS && returned > 0) algo = result.algo;
  else if (status != CUBLAS_STATUS_NOT_SUPPORTED && status != CUBLAS_STATUS_SUCCESS) TESSERA_CUBLAS_CHECK(status);
  cache.emplace(key, algo);
  return algo;
}

// Row-major C (+)= op(A) op(B) is column-major C^T = op(B)^T op(A)^T, so cuBLASLt's A is our B.
// Returns false, having done nothing, when cuBLASLt has no algorithm for the problem.
template <class T>
bool lt_matmul(Device device, const GemmShape& s, const T* a, const T* b, T* c, bool accumulate, const Epilogue& ep) {
  using Types = LtTypes<T>;
  const LtContext& ctx = lt_context(device);
  MatmulDesc desc;
  const cublasComputeType_t compute =
      std::is_same_v<T, float> && ops::tf32_matmul() ? CUBLAS_COMPUTE_32F_FAST_TF32 : Types::compute;
  TESSERA_CUBLAS_CHECK(cublaslt().cublasLtMatmulDescCreate(&desc.handle, compute, Types::scale));
  desc.set(CUBLASLT_MATMUL_DESC_TRANSA, s.trans_b ? CUBLAS_OP_T : CUBLAS_OP_N);
  desc.set(CUBLASLT_MATMUL_DESC_TRANSB, s.trans_a ? CUBLAS_OP_T : CUBLAS_OP_N);
  desc.set(CUBLASLT_MATMUL_DESC_EPILOGUE, ep.kind);
  if (ep.bias) desc.set(CUBLASLT_MATMUL_DESC_BIAS_POINTER, ep.bias);
  if (ep.aux) {
    desc.set(CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_POINTER, ep.aux);
    desc.set(CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_LD, ep.aux_ld);
  }
  // Our B is [k, n] (ld n), or [n, k] (ld k) when transposed; our A is [m, k] or [k, m].
  const Layout la(Types::data, s.trans_b ? s.k : s.n, s.trans_b ? s.n : s.k, s.trans_b ? s.k : s.n, s.batch, s.stride_b);
  const Layout lb(Types::data, s.trans_a ? s.m : s.k, s.trans_a ? s.k : s.m, s.trans_a ? s.m : s.k, s.batch, s.stride_a);
  const Layout lc(Types::data, s.n, s.m, s.n, s.batch, s.m * s.n);
  const uint32_t align_a = alignment(b), align_b = alignment(a), align_c = alignment(c);
  const std::string key = std::to_string(device.index) + "/" + std::to_string(int(Types::data)) + "/" +
                          std::to_string(int(compute)) + "/" +
                          std::to_string(s.trans_a) + std::to_string(s.trans_b) + "/" + std::to_string(s.m) + "x" +
                          std::to_string(s.n) + "x" + std::to_string(s.k) + "x" + std::to_string(s.batch) + "/" +
                          std::to_string(s.stride_a) + "," + std::to_string(s.stride_b) + "/" +
                          std::to_string(int(ep.kind)) + "/" + std::to_string(accumulate) + "/" +
                          std::to_string(align_a) + "," + std::to_string(align_b) + "," + std::to_string(align_c);
  const std::optional<cublasLtMatmulAlgo_t> algo = find_algo(ctx, desc, la, lb, lc, key, align_a, align_b, align_c);
  if (!algo) return false;
  const Acc<T> alpha(1), beta(accumulate ? 1 : 0);
  TESSERA_CUBLAS_CHECK(cublaslt().cublasLtMatmul(ctx.handle, desc.handle, &alpha, b, la.handle, a, lb.handle, &beta, c, lc.handle, c,
                                      lc.handle, &*algo, ctx.workspace, kWorkspaceBytes, stream(device)));
  return true;
}

[[noreturn]] void no_algorithm(const char* op, const GemmShape& s) {
  throw Error(std::string(op) + ": cuBLASLt has no algorithm for " + std::to_string(s.m) + "x" + std::to_string(s.n) +
              "x" + std::to_string(s.k) + " (batch " + std::to_string(s.batch) + ")");
}

// False when cuBLASLt cannot run the problem (then nothing was written).
template <class T>
bool gemm_typed(Device device, const GemmShape& s, const T* a, const T* b, T* c, bool accumulate, const Epilogue& ep) {
  if (s.m == 0 || s.n == 0 || s.batch == 0) return true;
  if (s.k == 0) {  // an empty sum: cuBLASLt rejects k = 0, so epilogues take the general path
    if (ep.kind != CUBLASLT_EPILOGUE_DEFAULT) return false;
    if (!accumulate) TESSERA_CUDA_CHECK(cudaMemsetAsync(c, 0, sizeof(T) * s.batch * s.m * s.n, stream(device)));
    return true;
  }
  if (s.batch > 1 && (s.stride_a == 0 || s.stride_b == 0)) {
    // A matrix shared by every batch: one GEMM per batch (the common shared-weight case is
    // folded into a single GEMM by the op before it gets here).
    GemmShape one = s;
    one.batch = 1;
    for (int64_t i = 0; i < s.batch; ++i)
      if (!lt_matmul(device, one, a + i * s.stride_a, b + i * s.stride_b, c + i * s.m * s.n, accumulate, ep)) {
        if (i == 0) return false;
        no_algorithm("matmul", one);  // some batches are written already: no way back
      }
    return true;
  }
  return lt_matmul(device, s, a, b, c, accumulate, ep);
}

template <class T>
__global__ void fill_rows_kernel(T* out, const T* row, int64_t rows, int64_t cols) {
  const int64_t n = rows * cols;
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    out[i] = row[i % cols];
}

constexpr int kSumCols = 32, kSumRowThreads = 8;

// Partial column sums over one chunk of rows; the chunks are added in order by column_total.
template <class T>
__global__ void column_partial_sums_kernel(const T* g, int64_t rows, int64_t cols, int64_t rows_per_chunk,
                                           Acc<T>* partial) {
  __shared__ Acc<T> acc[kSumRowThreads][kSumCols];
  const int64_t c = blockIdx.x * int64_t(kSumCols) + threadIdx.x;
  const int64_t r0 = blockIdx.y * rows_per_chunk;
  const int64_t r1 = r0 + rows_per_chunk < rows ? r0 + rows_per_chunk : rows;
  Acc<T> s = 0;
  if (c < cols)
    for (int64_t r = r0 + threadIdx.y; r < r1; r += kSumRowThreads) s += load(g[r * cols + c]);
  acc[threadIdx.y][threadIdx.x] = s;
  __syncthreads();
  if (threadIdx.y == 0 && c < cols) {
    for (int i = 1; i < kSumRowThreads; ++i) s += acc[i][threadIdx.x];
    partial[blockIdx.y * cols + c] = s;
  }
}

template <class T>
__global__ void column_total_kernel(const Acc<T>* partial, int64_t chunks, int64_t cols, T* out) {
  const int64_t c = blockIdx.x * int64_t(blockDim.x) + threadIdx.x;
  if (c >= cols) return;
  Acc<T> s = 0;
  for (int64_t i = 0; i < chunks; ++i) s += partial[i * cols + c];
  out[c] = store<T>(s);
}

}  // namespace

void gemm(const GemmShape& shape, const Tensor& a, const Tensor& b, const Tensor& c) {
  set_device(c.device());
  dispatch_floating(c.dtype(), "matmul", [&](auto tag) {
    using T = decltype(tag);
    if (!gemm_typed<T>(c.device(), shape, device_data<T>(a), device_data<T>(b), device_data<T>(c), false, Epilogue{}))
      no_algorithm("matmul", shape);
  });
}

void linear_forward(const Tensor& x, const Tensor& weight, const Tensor& bias, ops::Activation act, const Tensor& pre,
                    const Tensor& out) {
  const Device device = x.device();
  set_device(device);
  const int64_t in_f = weight.size(1), out_f = weight.size(0), rows = x.numel() / in_f;
  const GemmShape s{false, true, rows, out_f, in_f};
  dispatch_floating(x.dtype(), "linear", [&](auto tag) {
    using T = decltype(tag);
    const T* xd = device_data<T>(x);
    const T* wd = device_data<T>(weight);
    T* pre_data = device_data<T>(pre);
    const T* bias_data = bias.defined() ? device_data<T>(bias) : nullptr;
    // The fastest form cuBLASLt can run, falling back step by step. cuBLASLt's GELU is the tanh
    // form, evaluated with fast intrinsics: close enough for bf16 (whose rounding is coarser),
    // not for the fp32 parity with the CPU, which keeps our activation kernel.
    bool fused_gelu = false, done = false;
    if (std::is_same_v<T, __nv_bfloat16> && act == ops::Activation::gelu_tanh && out_f % 8 == 0) {
      const Epilogue ep{bias_data ? CUBLASLT_EPILOGUE_GELU_AUX_BIAS : CUBLASLT_EPILOGUE_GELU_AUX, bias_data, pre_data, out_f};
      done = fused_gelu = gemm_typed<T>(device, s, xd, wd, device_data<T>(out), false, ep);
    }
    // Bias epilogues serve fp32 and narrower outputs.
    if (!done && bias_data && !std::is_same_v<T, double>)
      done = gemm_typed<T>(device, s, xd, wd, pre_data, false, Epilogue{CUBLASLT_EPILOGUE_BIAS, bias_data});
    if (!done) {  // rows start as the bias and the GEMM adds onto them
      if (bias_data) {
        fill_rows_kernel<<<blocks_for(rows * out_f), kThreads, 0, stream(device)>>>(pre_data, bias_data, rows, out_f);
        TESSERA_CUDA_CHECK_LAUNCH();
      }
      if (!gemm_typed<T>(device, s, xd, wd, pre_data, bias_data != nullptr, Epilogue{})) no_algorithm("linear", s);
    }
    if (!fused_gelu && act != ops::Activation::none) activation_forward(act, pre, out);
  });
}

void column_sums(const Tensor& g, const Tensor& out) {
  const Device device = g.device();
  set_device(device);
  const int64_t cols = out.numel(), rows = cols == 0 ? 0 : g.numel() / cols;
  if (cols == 0) return;
  const ColumnSumChunks plan = column_sum_chunks(rows);
  const int64_t chunks = plan.chunks;
  dispatch_floating(g.dtype(), "linear", [&](auto tag) {
    using T = decltype(tag);
    using A = Acc<T>;
    Tensor partial = Tensor::empty({chunks, cols}, std::is_same_v<A, double> ? DType::f64 : DType::f32, device);
    const dim3 grid(static_cast<unsigned>((cols + kSumCols - 1) / kSumCols), static_cast<unsigned>(chunks));
    column_partial_sums_kernel<T><<<grid, dim3(kSumCols, kSumRowThreads), 0, stream(device)>>>(
        device_data<T>(g), rows, cols, plan.rows_per_chunk, device_data<A>(partial));
    TESSERA_CUDA_CHECK_LAUNCH();
    column_total_kernel<T><<<static_cast<unsigned>((cols + kThreads - 1) / kThreads), kThreads, 0, stream(device)>>>(
        device_data<A>(partial), chunks, cols, device_data<T>(out));
    TESSERA_CUDA_CHECK_LAUNCH();
  });
}

}  // namespace tessera::cuda
