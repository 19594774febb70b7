// FlashAttention-2 on CUDA. The reference path runs on CUDA cores in fp32 arithmetic for every
// storage type and every head dim up to 128; bf16 with Dh 64 or 128 runs on tensor cores (WMMA,
// fp32 accumulation; see "Tensor-core kernels" below) where the device lets a block opt in to
// their shared memory (attention_plan.h: up to 145 KiB at Dh 128, over sm_86/sm_89's 99 KiB).
//
// Forward: a block owns a tile of query rows (one warp per few rows), walks the key/value tiles
// in shared memory and keeps, per row, the running maximum m, denominator l and unnormalized
// output (online softmax). Lane j of a warp scores key j of the tile; lane c holds output
// columns c, c + 32, ... Backward: D = rowsum(dO * O) first; then one kernel per gradient side
// so that no two blocks write the same element: dQ (and dBias) with blocks over query tiles, as
// the forward, and dK, dV with blocks over key tiles, walking the query tiles. Both recompute
// P = exp(S - logsumexp) and dS = P * (dO V^T - D).
#include <mma.h>

#include <cmath>
#include <cstdint>
#include <type_traits>

#include "core/cuda/check.cuh"
#include "core/cuda/dtype.cuh"
#include "core/cuda/launch.cuh"
#include "core/ops/cuda/attention_plan.h"
#include "core/ops/cuda/flash_attention.h"

namespace tessera::cuda {
namespace {

using namespace attention_plan;
constexpr int kBlockThreads = kWarps * kWarpSize;
// Keys per tile in the query-side kernels, queries per tile in the key-side kernel: one per lane.
constexpr int kTile = kWarpSize;
constexpr unsigned kFullMask = 0xffffffffu;

struct Dims {
  int B, H, Tq, Tk, Dh;
  int shift;  // Tk - Tq: query i is key position i + shift
  int64_t q_sb, q_st, q_sh, k_sb, k_st, k_sh, v_sb, v_st, v_sh;
  int bias_batch;  // 0 (no bias), 1 or B
  float scale;
  bool causal;
};

__device__ inline float warp_sum(float v) {
#pragma unroll
  for (int o = kWarpSize / 2; o > 0; o >>= 1) v += __shfl_xor_sync(kFullMask, v, o);
  return v;
}

__device__ inline float warp_max(float v) {
#pragma unroll
  for (int o = kWarpSize / 2; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(kFullMask, v, o));
  return v;
}

// Keys [0, keys_for_row) can be visible to query i (all of them without a causal mask).
__host__ __device__ inline int keys_for_row(const Dims& d, int i) {
  if (!d.causal) return d.Tk;
  const int n = i + d.shift + 1;
  return n < 0 ? 0 : (n > d.Tk ? d.Tk : n);
}

__device__ inline bool key_visible(const Dims& d, const uint8_t* pad_b, int i, int j) {
  return j < d.Tk && !(pad_b && pad_b[j]) && !(d.causal && j > i + d.shift);
}

__device__ inline int64_t bias_offset(const Dims& d, int b, int h) {
  return (static_cast<int64_t>(d.bias_batch == 1 ? 0 : b) * d.H + h) * d.Tq * d.Tk;
}

// The inputs of the kernels.
template <class T>
struct Operands {
  const T *q, *k, *v;
  const uint8_t* pad;  // u8 [B, Tk] or null
  const T* bias;       // [bias_batch, H, Tq, Tk] or null
};

// The inputs seen by a block working on (batch b, head h): q, k, v point at row 0 of the head,
// pad at batch b's keys, bias at the [Tq, Tk] matrix of (b, h).
template <class T>
struct HeadOperands {
  int b, h;
  Operands<T> x;
};

template <class T>
__device__ inline HeadOperands<T> head_operands(const Dims& d, const Operands<T>& x, int bh) {
  const int b = bh / d.H, h = bh % d.H;
  return {b, h,
          {x.q + b * d.q_sb + h * d.q_sh, x.k + b * d.k_sb + h * d.k_sh, x.v + b * d.v_sb + h * d.v_sh,
           x.pad ? x.pad + static_cast<int64_t>(b) * d.Tk : nullptr, x.bias ? x.bias + bias_offset(d, b, h) : nullptr}};
}

// Element offset of row i of head h, batch b, in a contiguous [B, rows, H, Dh] tensor (the output,
// its gradient, and the q, k, v gradients).
__device__ inline int64_t packed_offset(const Dims& d, int b, int rows, int i, int h) {
  return ((static_cast<int64_t>(b) * rows + i) * d.H + h) * d.Dh;
}

// Rows [r0, r0 + n) of a [rows, Dh] matrix (row stride `stride`, columns contiguous) into
// dst[n][ld] as fp32; rows past `rows` and columns past Dh read as zeros, so dot products may
// always run over kD columns.
template <class T, int kD>
__device__ void load_rows(float* dst, int ld, int n, const T* src, int64_t stride, int r0, int rows, int Dh) {
  for (int e = threadIdx.x; e < n * kD; e += blockDim.x) {
    const int r = e / kD, c = e % kD;
    dst[r * ld + c] = (r0 + r < rows && c < Dh) ? load(src[(r0 + r) * stride + c]) : 0.f;
  }
}

template <int kD>
__device__ inline float dot_rows(const float* a, const float* b) {
  float s = 0.f;
#pragma unroll 16
  for (int c = 0; c < kD; ++c) s += a[c] * b[c];
  return s;
}

// Score of query i (row `qrow` of the Q tile) and key j (row `krow` of the K tile).
template <class T, int kD>
__device__ inline float score(const Dims& d, const float* qrow, const float* krow, const T* bias_bh, int i, int j) {
  const float s = d.scale * dot_rows<kD>(qrow, krow);
  return bias_bh ? s + load(bias_bh[static_cast<int64_t>(i) * d.Tk + j]) : s;
}

// acc[c] += sum over the tile's rows jj of w_jj * tile[jj][lane + 32 c], where lane jj holds w_jj:
// a [1 x 32] by [32 x Dh] product with the result spread over the lanes.
template <int kPerLane, int kLd>
__device__ inline void add_weighted_rows(float (&acc)[kPerLane], float w, const float (*tile)[kLd]) {
  const int lane = threadIdx.x % kWarpSize;
  for (int jj = 0; jj < kWarpSize; ++jj) {
    const float wj = __shfl_sync(kFullMask, w, jj);
#pragma unroll
    for (int c = 0; c < kPerLane; ++c) acc[c] += wj * tile[jj][lane + c * kWarpSize];
  }
}

// dst[col] = factor * acc for the columns col = lane + 32 c below Dh.
template <class T, int kPerLane>
__device__ inline void store_row(T* dst, const float (&acc)[kPerLane], float factor, int Dh) {
  const int lane = threadIdx.x % kWarpSize;
#pragma unroll
  for (int c = 0; c < kPerLane; ++c)
    if (lane + c * kWarpSize < Dh) dst[lane + c * kWarpSize] = store<T>(factor * acc[c]);
}

template <class T, int kD, int kRowsPerWarp>
__global__ void __launch_bounds__(kBlockThreads)
    forward_kernel(Dims d, Operands<T> x, T* out, float* lse) {
  constexpr int kRows = kWarps * kRowsPerWarp;
  constexpr int kPerLane = kD / kWarpSize;
  __shared__ float q_s[kRows][kD + 1];  // +1: lane j reading row j hits distinct banks
  __shared__ float k_s[kTile][kD + 1];
  __shared__ float v_s[kTile][kD + 1];
  const int bh = blockIdx.x, q0 = blockIdx.y * kRows;
  const int warp = threadIdx.x / kWarpSize, lane = threadIdx.x % kWarpSize;
  const HeadOperands<T> hx = head_operands(d, x, bh);

  load_rows<T, kD>(&q_s[0][0], kD + 1, kRows, hx.x.q, d.q_st, q0, d.Tq, d.Dh);
  float m[kRowsPerWarp], l[kRowsPerWarp], acc[kRowsPerWarp][kPerLane];
#pragma unroll
  for (int r = 0; r < kRowsPerWarp; ++r) {
    m[r] = -INFINITY;
    l[r] = 0.f;
#pragma unroll
    for (int c = 0; c < kPerLane; ++c) acc[r][c] = 0.f;
  }
  // Under a causal mask, tiles past the last row's visible keys are skipped entirely.
  const int key_end = keys_for_row(d, min(q0 + kRows, d.Tq) - 1);
  for (int j0 = 0; j0 < key_end; j0 += kTile) {
    __syncthreads();  // every warp is done with the previous tile
    load_rows<T, kD>(&k_s[0][0], kD + 1, kTile, hx.x.k, d.k_st, j0, d.Tk, d.Dh);
    load_rows<T, kD>(&v_s[0][0], kD + 1, kTile, hx.x.v, d.v_st, j0, d.Tk, d.Dh);
    __syncthreads();
    const int j = j0 + lane;
#pragma unroll
    for (int r = 0; r < kRowsPerWarp; ++r) {
      const int row = warp * kRowsPerWarp + r, i = q0 + row;
      if (i >= d.Tq) continue;  // warp-uniform
      const float s = key_visible(d, hx.x.pad, i, j) ? score<T, kD>(d, q_s[row], k_s[lane], hx.x.bias, i, j) : -INFINITY;
      const float m_new = fmaxf(m[r], warp_max(s));
      if (m_new == -INFINITY) continue;  // nothing visible in this row so far (warp-uniform)
      const float p = expf(s - m_new);
      const float alpha = expf(m[r] - m_new);  // 0 while m[r] is -inf
      l[r] = l[r] * alpha + warp_sum(p);
      m[r] = m_new;
#pragma unroll
      for (int c = 0; c < kPerLane; ++c) acc[r][c] *= alpha;
      add_weighted_rows(acc[r], p, v_s);
    }
  }
#pragma unroll
  for (int r = 0; r < kRowsPerWarp; ++r) {
    const int i = q0 + warp * kRowsPerWarp + r;
    if (i >= d.Tq) continue;
    const float inv = l[r] > 0.f ? 1.f / l[r] : 0.f;
    store_row(out + packed_offset(d, hx.b, d.Tq, i, hx.h), acc[r], inv, d.Dh);
    if (lane == 0) lse[static_cast<int64_t>(bh) * d.Tq + i] = l[r] > 0.f ? m[r] + logf(l[r]) : -INFINITY;
  }
}

// delta[b, h, i] = sum_c dO[b, i, h, c] * O[b, i, h, c]: one warp per row of [B, Tq, H], grid-stride
// (the launch grid is capped). Whole warps take the same rows: blockDim is a multiple of 32.
template <class T>
__global__ void delta_kernel(Dims d, const T* out, const T* grad_out, float* delta) {
  const int64_t rows = static_cast<int64_t>(d.B) * d.Tq * d.H;
  const int64_t warps = static_cast<int64_t>(gridDim.x) * blockDim.x / kWarpSize;
  const int lane = threadIdx.x % kWarpSize;
  for (int64_t row = (blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x) / kWarpSize; row < rows;
       row += warps) {
    float s = 0.f;
    for (int c = lane; c < d.Dh; c += kWarpSize) s += load(out[row * d.Dh + c]) * load(grad_out[row * d.Dh + c]);
    s = warp_sum(s);
    const int64_t h = row % d.H, i = (row / d.H) % d.Tq, b = row / (static_cast<int64_t>(d.H) * d.Tq);
    if (lane == 0) delta[(b * d.H + h) * d.Tq + i] = s;
  }
}

// dQ = scale * dS K over the key tiles, for a tile of query rows; also adds dS to dbias_acc.
template <class T, int kD, int kRowsPerWarp>
__global__ void __launch_bounds__(kBlockThreads)
    grad_q_kernel(Dims d, Operands<T> x, const T* grad_out, const float* lse, const float* delta, T* grad_q,
                  float* dbias_acc) {
  constexpr int kRows = kWarps * kRowsPerWarp;
  constexpr int kPerLane = kD / kWarpSize;
  __shared__ float q_s[kRows][kD + 1];
  __shared__ float do_s[kRows][kD + 1];
  __shared__ float k_s[kTile][kD + 1];
  __shared__ float v_s[kTile][kD + 1];
  const int bh = blockIdx.x, q0 = blockIdx.y * kRows;
  const int warp = threadIdx.x / kWarpSize, lane = threadIdx.x % kWarpSize;
  const HeadOperands<T> hx = head_operands(d, x, bh);
  float* dbias_bh = dbias_acc ? dbias_acc + bias_offset(d, hx.b, hx.h) : nullptr;

  load_rows<T, kD>(&q_s[0][0], kD + 1, kRows, hx.x.q, d.q_st, q0, d.Tq, d.Dh);
  load_rows<T, kD>(&do_s[0][0], kD + 1, kRows, grad_out + packed_offset(d, hx.b, d.Tq, 0, hx.h),
                   static_cast<int64_t>(d.H) * d.Dh, q0, d.Tq, d.Dh);
  float row_lse[kRowsPerWarp], row_delta[kRowsPerWarp], acc[kRowsPerWarp][kPerLane];
#pragma unroll
  for (int r = 0; r < kRowsPerWarp; ++r) {
    const int i = q0 + warp * kRowsPerWarp + r;
    row_lse[r] = i < d.Tq ? lse[static_cast<int64_t>(bh) * d.Tq + i] : -INFINITY;
    row_delta[r] = i < d.Tq ? delta[static_cast<int64_t>(bh) * d.Tq + i] : 0.f;
#pragma unroll
    for (int c = 0; c < kPerLane; ++c) acc[r][c] = 0.f;
  }
  const int key_end = keys_for_row(d, min(q0 + kRows, d.Tq) - 1);
  for (int j0 = 0; j0 < key_end; j0 += kTile) {
    __syncthreads();
    load_rows<T, kD>(&k_s[0][0], kD + 1, kTile, hx.x.k, d.k_st, j0, d.Tk, d.Dh);
    load_rows<T, kD>(&v_s[0][0], kD + 1, kTile, hx.x.v, d.v_st, j0, d.Tk, d.Dh);
    __syncthreads();
    const int j = j0 + lane;
#pragma unroll
    for (int r = 0; r < kRowsPerWarp; ++r) {
      const int row = warp * kRowsPerWarp + r, i = q0 + row;
      if (i >= d.Tq || row_lse[r] == -INFINITY) continue;  // warp-uniform; a fully masked row has zero gradients
      float ds = 0.f;
      if (key_visible(d, hx.x.pad, i, j)) {
        const float p = expf(score<T, kD>(d, q_s[row], k_s[lane], hx.x.bias, i, j) - row_lse[r]);
        ds = p * (dot_rows<kD>(do_s[row], v_s[lane]) - row_delta[r]);
        if (dbias_bh) atomicAdd(dbias_bh + static_cast<int64_t>(i) * d.Tk + j, ds);
      }
      add_weighted_rows(acc[r], ds, k_s);
    }
  }
#pragma unroll
  for (int r = 0; r < kRowsPerWarp; ++r) {
    const int i = q0 + warp * kRowsPerWarp + r;
    if (i >= d.Tq) continue;
    store_row(grad_q + packed_offset(d, hx.b, d.Tq, i, hx.h), acc[r], d.scale, d.Dh);
  }
}

// dV = P^T dO and dK = scale * dS^T Q over the query tiles, for a tile of keys (one warp per few
// keys; lane i handles query i of the current query tile).
template <class T, int kD, int kKeysPerWarp>
__global__ void __launch_bounds__(kBlockThreads)
    grad_kv_kernel(Dims d, Operands<T> x, const T* grad_out, const float* lse, const float* delta, T* grad_k,
                   T* grad_v) {
  constexpr int kKeys = kWarps * kKeysPerWarp;
  constexpr int kPerLane = kD / kWarpSize;
  __shared__ float k_s[kKeys][kD + 1];
  __shared__ float v_s[kKeys][kD + 1];
  __shared__ float q_s[kTile][kD + 1];
  __shared__ float do_s[kTile][kD + 1];
  __shared__ float lse_s[kTile];
  __shared__ float delta_s[kTile];
  const int bh = blockIdx.x, j0 = blockIdx.y * kKeys;
  const int warp = threadIdx.x / kWarpSize, lane = threadIdx.x % kWarpSize;
  const HeadOperands<T> hx = head_operands(d, x, bh);
  const T* goh = grad_out + packed_offset(d, hx.b, d.Tq, 0, hx.h);

  load_rows<T, kD>(&k_s[0][0], kD + 1, kKeys, hx.x.k, d.k_st, j0, d.Tk, d.Dh);
  load_rows<T, kD>(&v_s[0][0], kD + 1, kKeys, hx.x.v, d.v_st, j0, d.Tk, d.Dh);
  float acc_k[kKeysPerWarp][kPerLane], acc_v[kKeysPerWarp][kPerLane];
#pragma unroll
  for (int r = 0; r < kKeysPerWarp; ++r)
#pragma unroll
    for (int c = 0; c < kPerLane; ++c) acc_k[r][c] = acc_v[r][c] = 0.f;
  // Under a causal mask, query i sees key j only when i >= j - shift: earlier query tiles are skipped.
  int i_begin = 0;
  if (d.causal) i_begin = max(0, min(d.Tq, j0 - d.shift)) / kTile * kTile;
  for (int i0 = i_begin; i0 < d.Tq; i0 += kTile) {
    __syncthreads();
    load_rows<T, kD>(&q_s[0][0], kD + 1, kTile, hx.x.q, d.q_st, i0, d.Tq, d.Dh);
    load_rows<T, kD>(&do_s[0][0], kD + 1, kTile, goh, static_cast<int64_t>(d.H) * d.Dh, i0, d.Tq, d.Dh);
    if (threadIdx.x < kTile) {
      const int i = i0 + threadIdx.x;
      lse_s[threadIdx.x] = i < d.Tq ? lse[static_cast<int64_t>(bh) * d.Tq + i] : -INFINITY;
      delta_s[threadIdx.x] = i < d.Tq ? delta[static_cast<int64_t>(bh) * d.Tq + i] : 0.f;
    }
    __syncthreads();
    const int i = i0 + lane;
#pragma unroll
    for (int r = 0; r < kKeysPerWarp; ++r) {
      const int key = warp * kKeysPerWarp + r, j = j0 + key;
      if (j >= d.Tk) continue;  // warp-uniform
      float p = 0.f, ds = 0.f;
      if (i < d.Tq && lse_s[lane] != -INFINITY && key_visible(d, hx.x.pad, i, j)) {
        p = expf(score<T, kD>(d, q_s[lane], k_s[key], hx.x.bias, i, j) - lse_s[lane]);
        ds = p * (dot_rows<kD>(do_s[lane], v_s[key]) - delta_s[lane]);
      }
      add_weighted_rows(acc_v[r], p, do_s);
      add_weighted_rows(acc_k[r], ds, q_s);
    }
  }
#pragma unroll
  for (int r = 0; r < kKeysPerWarp; ++r) {
    const int j = j0 + warp * kKeysPerWarp + r;
    if (j >= d.Tk) continue;
    const int64_t at = packed_offset(d, hx.b, d.Tk, j, hx.h);
    store_row(grad_k + at, acc_k[r], d.scale, d.Dh);
    store_row(grad_v + at, acc_v[r], 1.f, d.Dh);
  }
}

template <class T>
__global__ void convert_kernel(const float* src, T* dst, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    dst[i] = store<T>(src[i]);
}

void check_contiguous(const Tensor& t, const Shape& shape, DType dtype, Device device, const char* what) {
  TESSERA_CHECK(t.defined() && t.shape() == shape && t.dtype() == dtype && t.device() == device && t.is_contiguous(),
                std::string("flash attention: ") + what + " must be contiguous " + shape_str(shape) + " " +
                    dtype_name(dtype) + " on " + device.str());
}

Dims make_dims(const Tensor& q, const Tensor& k, const Tensor& v, const ops::AttentionOptions& o) {
  for (const Tensor* t : {&q, &k, &v})
    TESSERA_CHECK(t->dim() == 4 && t->stride(3) == 1,
                  "flash attention: q, k and v must be [B, T, H, Dh] with a contiguous head dimension");
  const int64_t B = q.size(0), Tq = q.size(1), H = q.size(2), Dh = q.size(3), Tk = k.size(1);
  TESSERA_CHECK(k.shape() == v.shape() && k.size(0) == B && k.size(2) == H && k.size(3) == Dh,
                "flash attention: q " + shape_str(q.shape()) + ", k " + shape_str(k.shape()) + ", v " +
                    shape_str(v.shape()));
  TESSERA_CHECK(q.dtype() == k.dtype() && q.dtype() == v.dtype(), "flash attention: q, k and v dtypes differ");
  TESSERA_CHECK(q.dtype() == DType::f32 || q.dtype() == DType::bf16,
                std::string("flash attention: needs f32 or bf16 on CUDA, got ") + dtype_name(q.dtype()));
  TESSERA_CHECK(q.device().type == DeviceType::cuda && k.device() == q.device() && v.device() == q.device(),
                "flash attention: q, k and v must be on one CUDA device");
  TESSERA_CHECK(Dh >= 1 && Dh <= 128, "flash attention: head dimension " + std::to_string(Dh) +
                                          " is not supported on CUDA (at most 128)");
  TESSERA_CHECK(B * H <= 0x7fffffff && Tq <= 0x7fffffff && Tk <= 0x7fffffff, "flash attention: tensors too large");
  Dims d{};
  d.B = static_cast<int>(B);
  d.H = static_cast<int>(H);
  d.Tq = static_cast<int>(Tq);
  d.Tk = static_cast<int>(Tk);
  d.Dh = static_cast<int>(Dh);
  d.shift = d.Tk - d.Tq;
  d.q_sb = q.stride(0), d.q_st = q.stride(1), d.q_sh = q.stride(2);
  d.k_sb = k.stride(0), d.k_st = k.stride(1), d.k_sh = k.stride(2);
  d.v_sb = v.stride(0), d.v_st = v.stride(1), d.v_sh = v.stride(2);
  if (o.key_padding_mask.defined())
    check_contiguous(o.key_padding_mask, {B, Tk}, DType::u8, q.device(), "key_padding_mask");
  if (o.bias.defined()) {
    d.bias_batch = static_cast<int>(o.bias.size(0));
    TESSERA_CHECK(o.bias.dim() == 4 && (d.bias_batch == 1 || d.bias_batch == B),
                  "flash attention: bias must be [1 or B, H, Tq, Tk], got " + shape_str(o.bias.shape()));
    check_contiguous(o.bias, {d.bias_batch, H, Tq, Tk}, q.dtype(), q.device(), "bias");
  }
  d.scale = static_cast<float>(o.scale != 0 ? o.scale : 1.0 / std::sqrt(static_cast<double>(Dh)));
  d.causal = o.causal;
  return d;
}

// Calls f(std::integral_constant<int, kD>) with the smallest supported tile width >= Dh.
template <class F>
void dispatch_head_dim(int Dh, F&& f) {
  if (Dh <= 32) return f(std::integral_constant<int, 32>{});
  if (Dh <= 64) return f(std::integral_constant<int, 64>{});
  return f(std::integral_constant<int, 128>{});
}

// Grid: x over (batch, head), y over tiles of `tile` rows out of `rows`.
dim3 grid_for(const Dims& d, int rows, int tile) {
  const int tiles = (rows + tile - 1) / tile;
  TESSERA_CHECK(tiles <= 65535, "flash attention: sequence too long for the launch grid");
  return dim3(static_cast<unsigned>(d.B) * d.H, static_cast<unsigned>(tiles < 1 ? 1 : tiles));
}

template <class T>
Operands<T> operands(const Tensor& q, const Tensor& k, const Tensor& v, const ops::AttentionOptions& o) {
  return {device_data<T>(q), device_data<T>(k), device_data<T>(v),
          o.key_padding_mask.defined() ? device_data<uint8_t>(o.key_padding_mask) : nullptr,
          o.bias.defined() ? device_data<T>(o.bias) : nullptr};
}

// ---- Tensor-core kernels: bf16 with Dh 64 or 128 ----
// WMMA 16x16x16 bf16 products with fp32 accumulation. Each warp owns 16 rows (one WMMA tile) of
// the side the block is over: 64 query rows per block in the forward and dQ kernels, 64 keys in
// the dK/dV kernel. Products go through per-warp fp32 tiles in shared memory: WMMA fragments
// have no documented element-to-row layout, so the element-wise softmax work (masking, online
// rescaling, dS) is done there by the lanes, lanes 2r and 2r + 1 owning row r, each half of its
// columns. Accumulated outputs (O, dQ, dK, dV) also live in shared memory in fp32.
// Tile sizes and shared-memory byte counts: core/ops/cuda/attention_plan.h.
namespace wmma = nvcuda::wmma;
using nv_bf16 = __nv_bfloat16;
static_assert(sizeof(nv_bf16) == kBf16Bytes);

// Hands out consecutive pieces of dynamic shared memory; the byte counts of attention_plan.h
// list the same pieces in the same order.
struct SmemCursor {
  unsigned char* at;
  template <class T>
  __device__ T* take(size_t bytes) {
    T* p = reinterpret_cast<T*>(at);
    at += bytes;
    return p;
  }
};

using FragA = wmma::fragment<wmma::matrix_a, kMma, kMma, kMma, nv_bf16, wmma::row_major>;
using FragAcc = wmma::fragment<wmma::accumulator, kMma, kMma, kMma, float>;

// c[16][kN] = a[16][kK] b^T, with b stored as [kN][kK] (read column-major as the [kK][kN] b^T).
template <int kN, int kK>
__device__ void warp_mma_abt(float* c, const nv_bf16* a, const nv_bf16* b) {
  for (int nb = 0; nb < kN / kMma; ++nb) {
    FragAcc acc;
    wmma::fill_fragment(acc, 0.f);
    for (int kk = 0; kk < kK / kMma; ++kk) {
      FragA fa;
      wmma::fragment<wmma::matrix_b, kMma, kMma, kMma, nv_bf16, wmma::col_major> fb;
      wmma::load_matrix_sync(fa, a + kk * kMma, ld_bf16(kK));
      wmma::load_matrix_sync(fb, b + nb * kMma * ld_bf16(kK) + kk * kMma, ld_bf16(kK));
      wmma::mma_sync(acc, fa, fb, acc);
    }
    wmma::store_matrix_sync(c + nb * kMma, acc, ld_f32(kN), wmma::mem_row_major);
  }
}

// c[16][kN] += a[16][kK] b, with b stored as [kK][kN].
template <int kN, int kK>
__device__ void warp_mma_ab_add(float* c, const nv_bf16* a, const nv_bf16* b) {
  for (int nb = 0; nb < kN / kMma; ++nb) {
    FragAcc acc;
    wmma::load_matrix_sync(acc, c + nb * kMma, ld_f32(kN), wmma::mem_row_major);
    for (int kk = 0; kk < kK / kMma; ++kk) {
      FragA fa;
      wmma::fragment<wmma::matrix_b, kMma, kMma, kMma, nv_bf16, wmma::row_major> fb;
      wmma::load_matrix_sync(fa, a + kk * kMma, ld_bf16(kK));
      wmma::load_matrix_sync(fb, b + kk * kMma * ld_bf16(kN) + nb * kMma, ld_bf16(kN));
      wmma::mma_sync(acc, fa, fb, acc);
    }
    wmma::store_matrix_sync(c + nb * kMma, acc, ld_f32(kN), wmma::mem_row_major);
  }
}

// Rows [r0, r0 + n) of a [rows, kD] bf16 matrix (row stride `stride`) into a shared tile of
// kD columns; zeros past `rows`. Moves 16 bytes at a time when the source rows are 16-byte
// aligned (the shared rows always are: kD and the padding are multiples of 8 elements).
template <int kD>
__device__ void copy_rows(nv_bf16* dst, int n, const nv_bf16* src, int64_t stride, int r0, int rows) {
  constexpr int kVec = 8, kVecs = kD / kVec;
  if (reinterpret_cast<uintptr_t>(src) % 16 == 0 && stride % kVec == 0) {
    for (int e = threadIdx.x; e < n * kVecs; e += blockDim.x) {
      const int r = e / kVecs, c = e % kVecs * kVec;
      uint4 chunk = make_uint4(0, 0, 0, 0);  // all-zero bits are bf16 zeros
      if (r0 + r < rows) chunk = *reinterpret_cast<const uint4*>(src + (r0 + r) * stride + c);
      *reinterpret_cast<uint4*>(dst + r * ld_bf16(kD) + c) = chunk;
    }
    return;
  }
  for (int e = threadIdx.x; e < n * kD; e += blockDim.x) {
    const int r = e / kD, c = e % kD;
    dst[r * ld_bf16(kD) + c] = r0 + r < rows ? src[(r0 + r) * stride + c] : __float2bfloat16_rn(0.f);
  }
}

// The lane's half of row `row` of a per-warp fp32 [16][kCols] tile.
template <int kCols>
__device__ inline float* half_row(float* tile, int row, int half) {
  return tile + row * ld_f32(kCols) + half * (kCols / 2);
}

template <int kD>
__device__ inline void zero_half_row(float* tile, int row, int half) {
  float* p = half_row<kD>(tile, row, half);
  for (int c = 0; c < kD / 2; ++c) p[c] = 0.f;
}

// dst[c] = factor * the lane's half of a row of an fp32 [16][kD] tile, as bf16.
template <int kD>
__device__ inline void store_half_row(nv_bf16* dst, float* tile, int row, int half, float factor) {
  const float* p = half_row<kD>(tile, row, half);
  dst += half * (kD / 2);
  for (int c = 0; c < kD / 2; ++c) dst[c] = __float2bfloat16_rn(factor * p[c]);
}

__device__ inline float bias_at(const Dims& d, const nv_bf16* bias, int i, int j) {
  return bias ? __bfloat162float(bias[static_cast<int64_t>(i) * d.Tk + j]) : 0.f;
}

template <int kD>
__global__ void __launch_bounds__(kBlockThreads) forward_tc_kernel(Dims d, Operands<nv_bf16> x, nv_bf16* out, float* lse) {
  extern __shared__ __align__(128) unsigned char smem[];
  const int warp = threadIdx.x / kWarpSize, lane = threadIdx.x % kWarpSize;
  SmemCursor cur{smem};
  nv_bf16* q_s = cur.take<nv_bf16>(bf16_tile(kTcBlockRows, kD));
  nv_bf16* k_s = cur.take<nv_bf16>(bf16_tile(kTcBlockRows, kD));
  nv_bf16* v_s = cur.take<nv_bf16>(bf16_tile(kTcBlockRows, kD));
  float* s_w = cur.take<float>(kWarps * f32_tile(kTcRows, kTcKeys)) + warp * kTcRows * ld_f32(kTcKeys);
  nv_bf16* p_w = cur.take<nv_bf16>(kWarps * bf16_tile(kTcRows, kTcKeys)) + warp * kTcRows * ld_bf16(kTcKeys);
  float* o_w = cur.take<float>(kWarps * f32_tile(kTcRows, kD)) + warp * kTcRows * ld_f32(kD);
  const int bh = blockIdx.x, q0 = blockIdx.y * kTcBlockRows;
  const HeadOperands<nv_bf16> hx = head_operands(d, x, bh);
  const int row = lane / 2, half = lane % 2, i = q0 + warp * kTcRows + row;
  constexpr int kCols = kTcKeys / 2;  // score columns per lane

  copy_rows<kD>(q_s, kTcBlockRows, hx.x.q, d.q_st, q0, d.Tq);
  zero_half_row<kD>(o_w, row, half);
  float m = -INFINITY, l = 0.f;
  const int key_end = keys_for_row(d, min(q0 + kTcBlockRows, d.Tq) - 1);
  for (int j0 = 0; j0 < key_end; j0 += kTcKeys) {
    __syncthreads();  // every warp is done with the previous tile (and the q tile is complete)
    copy_rows<kD>(k_s, kTcKeys, hx.x.k, d.k_st, j0, d.Tk);
    copy_rows<kD>(v_s, kTcKeys, hx.x.v, d.v_st, j0, d.Tk);
    __syncthreads();
    warp_mma_abt<kTcKeys, kD>(s_w, q_s + warp * kTcRows * ld_bf16(kD), k_s);  // S = Q K^T
    __syncwarp();
    const float* s_row = half_row<kTcKeys>(s_w, row, half);
    float s[kCols];
    float tile_max = -INFINITY;
#pragma unroll
    for (int c = 0; c < kCols; ++c) {
      const int j = j0 + half * kCols + c;
      s[c] = i < d.Tq && key_visible(d, hx.x.pad, i, j) ? d.scale * s_row[c] + bias_at(d, hx.x.bias, i, j) : -INFINITY;
      tile_max = fmaxf(tile_max, s[c]);
    }
    const float m_new = fmaxf(m, fmaxf(tile_max, __shfl_xor_sync(kFullMask, tile_max, 1)));
    const bool none = m_new == -INFINITY;  // nothing visible in this row so far
    const float alpha = none ? 1.f : expf(m - m_new);
    float tile_sum = 0.f;
    nv_bf16* p_row = p_w + row * ld_bf16(kTcKeys) + half * kCols;
#pragma unroll
    for (int c = 0; c < kCols; ++c) {
      p_row[c] = __float2bfloat16_rn(none ? 0.f : expf(s[c] - m_new));
      tile_sum += __bfloat162float(p_row[c]);  // the denominator sums the same rounded weights as P V
    }
    l = l * alpha + tile_sum + __shfl_xor_sync(kFullMask, tile_sum, 1);
    m = m_new;
    float* o_row = half_row<kD>(o_w, row, half);
    for (int c = 0; c < kD / 2; ++c) o_row[c] *= alpha;
    __syncwarp();
    warp_mma_ab_add<kD, kTcKeys>(o_w, p_w, v_s);  // O += P V
    __syncwarp();
  }
  if (i >= d.Tq) return;
  store_half_row<kD>(out + packed_offset(d, hx.b, d.Tq, i, hx.h), o_w, row, half, l > 0.f ? 1.f / l : 0.f);
  if (half == 0) lse[static_cast<int64_t>(bh) * d.Tq + i] = l > 0.f ? m + logf(l) : -INFINITY;
}

template <int kD>
__global__ void __launch_bounds__(kBlockThreads)
    grad_q_tc_kernel(Dims d, Operands<nv_bf16> x, const nv_bf16* grad_out, const float* lse, const float* delta,
                     nv_bf16* grad_q, float* dbias_acc) {
  extern __shared__ __align__(128) unsigned char smem[];
  const int warp = threadIdx.x / kWarpSize, lane = threadIdx.x % kWarpSize;
  SmemCursor cur{smem};
  nv_bf16* q_s = cur.take<nv_bf16>(bf16_tile(kTcBlockRows, kD));
  nv_bf16* do_s = cur.take<nv_bf16>(bf16_tile(kTcBlockRows, kD));
  nv_bf16* k_s = cur.take<nv_bf16>(bf16_tile(kTcBlockRows, kD));
  nv_bf16* v_s = cur.take<nv_bf16>(bf16_tile(kTcBlockRows, kD));
  float* s_w = cur.take<float>(kWarps * f32_tile(kTcRows, kTcKeys)) + warp * kTcRows * ld_f32(kTcKeys);
  float* dp_w = cur.take<float>(kWarps * f32_tile(kTcRows, kTcKeys)) + warp * kTcRows * ld_f32(kTcKeys);
  nv_bf16* ds_w = cur.take<nv_bf16>(kWarps * bf16_tile(kTcRows, kTcKeys)) + warp * kTcRows * ld_bf16(kTcKeys);
  float* dq_w = cur.take<float>(kWarps * f32_tile(kTcRows, kD)) + warp * kTcRows * ld_f32(kD);
  const int bh = blockIdx.x, q0 = blockIdx.y * kTcBlockRows;
  const HeadOperands<nv_bf16> hx = head_operands(d, x, bh);
  float* dbias_bh = dbias_acc ? dbias_acc + bias_offset(d, hx.b, hx.h) : nullptr;
  const int row = lane / 2, half = lane % 2, i = q0 + warp * kTcRows + row;
  constexpr int kCols = kTcKeys / 2;
  const float row_lse = i < d.Tq ? lse[static_cast<int64_t>(bh) * d.Tq + i] : -INFINITY;
  const float row_delta = i < d.Tq ? delta[static_cast<int64_t>(bh) * d.Tq + i] : 0.f;

  copy_rows<kD>(q_s, kTcBlockRows, hx.x.q, d.q_st, q0, d.Tq);
  copy_rows<kD>(do_s, kTcBlockRows, grad_out + packed_offset(d, hx.b, d.Tq, 0, hx.h),
                static_cast<int64_t>(d.H) * d.Dh, q0, d.Tq);
  zero_half_row<kD>(dq_w, row, half);
  const int key_end = keys_for_row(d, min(q0 + kTcBlockRows, d.Tq) - 1);
  for (int j0 = 0; j0 < key_end; j0 += kTcKeys) {
    __syncthreads();
    copy_rows<kD>(k_s, kTcKeys, hx.x.k, d.k_st, j0, d.Tk);
    copy_rows<kD>(v_s, kTcKeys, hx.x.v, d.v_st, j0, d.Tk);
    __syncthreads();
    warp_mma_abt<kTcKeys, kD>(s_w, q_s + warp * kTcRows * ld_bf16(kD), k_s);    // S = Q K^T
    warp_mma_abt<kTcKeys, kD>(dp_w, do_s + warp * kTcRows * ld_bf16(kD), v_s);  // dP = dO V^T
    __syncwarp();
    const float* s_row = half_row<kTcKeys>(s_w, row, half);
    const float* dp_row = half_row<kTcKeys>(dp_w, row, half);
    nv_bf16* ds_row = ds_w + row * ld_bf16(kTcKeys) + half * kCols;
    for (int c = 0; c < kCols; ++c) {
      const int j = j0 + half * kCols + c;
      float ds = 0.f;
      if (i < d.Tq && row_lse != -INFINITY && key_visible(d, hx.x.pad, i, j)) {
        const float p = expf(d.scale * s_row[c] + bias_at(d, hx.x.bias, i, j) - row_lse);
        ds = p * (dp_row[c] - row_delta);
        if (dbias_bh) atomicAdd(dbias_bh + static_cast<int64_t>(i) * d.Tk + j, ds);
      }
      ds_row[c] = __float2bfloat16_rn(ds);
    }
    __syncwarp();
    warp_mma_ab_add<kD, kTcKeys>(dq_w, ds_w, k_s);  // dQ += dS K
    __syncwarp();
  }
  if (i < d.Tq) store_half_row<kD>(grad_q + packed_offset(d, hx.b, d.Tq, i, hx.h), dq_w, row, half, d.scale);
}

template <int kD>
__global__ void __launch_bounds__(kBlockThreads)
    grad_kv_tc_kernel(Dims d, Operands<nv_bf16> x, const nv_bf16* grad_out, const float* lse, const float* delta,
                      nv_bf16* grad_k, nv_bf16* grad_v) {
  extern __shared__ __align__(128) unsigned char smem[];
  const int warp = threadIdx.x / kWarpSize, lane = threadIdx.x % kWarpSize;
  SmemCursor cur{smem};
  nv_bf16* k_s = cur.take<nv_bf16>(bf16_tile(kTcBlockRows, kD));
  nv_bf16* v_s = cur.take<nv_bf16>(bf16_tile(kTcBlockRows, kD));
  nv_bf16* q_s = cur.take<nv_bf16>(bf16_tile(kTcQueries, kD));
  nv_bf16* do_s = cur.take<nv_bf16>(bf16_tile(kTcQueries, kD));
  float* st_w = cur.take<float>(kWarps * f32_tile(kTcRows, kTcQueries)) + warp * kTcRows * ld_f32(kTcQueries);
  float* dpt_w = cur.take<float>(kWarps * f32_tile(kTcRows, kTcQueries)) + warp * kTcRows * ld_f32(kTcQueries);
  nv_bf16* pt_w = cur.take<nv_bf16>(kWarps * bf16_tile(kTcRows, kTcQueries)) + warp * kTcRows * ld_bf16(kTcQueries);
  nv_bf16* dst_w = cur.take<nv_bf16>(kWarps * bf16_tile(kTcRows, kTcQueries)) + warp * kTcRows * ld_bf16(kTcQueries);
  float* dk_w = cur.take<float>(kWarps * f32_tile(kTcRows, kD)) + warp * kTcRows * ld_f32(kD);
  float* dv_w = cur.take<float>(kWarps * f32_tile(kTcRows, kD)) + warp * kTcRows * ld_f32(kD);
  float* lse_s = cur.take<float>(kTcQueries * sizeof(float));
  float* delta_s = cur.take<float>(kTcQueries * sizeof(float));
  const int bh = blockIdx.x, j0 = blockIdx.y * kTcBlockRows;
  const HeadOperands<nv_bf16> hx = head_operands(d, x, bh);
  const nv_bf16* goh = grad_out + packed_offset(d, hx.b, d.Tq, 0, hx.h);
  const int row = lane / 2, half = lane % 2, j = j0 + warp * kTcRows + row;
  constexpr int kCols = kTcQueries / 2;

  copy_rows<kD>(k_s, kTcBlockRows, hx.x.k, d.k_st, j0, d.Tk);
  copy_rows<kD>(v_s, kTcBlockRows, hx.x.v, d.v_st, j0, d.Tk);
  zero_half_row<kD>(dk_w, row, half);
  zero_half_row<kD>(dv_w, row, half);
  // Under a causal mask, query i sees key j only when i >= j - shift: earlier query tiles are skipped.
  const int i_begin = d.causal ? max(0, min(d.Tq, j0 - d.shift)) / kTcQueries * kTcQueries : 0;
  for (int i0 = i_begin; i0 < d.Tq; i0 += kTcQueries) {
    __syncthreads();
    copy_rows<kD>(q_s, kTcQueries, hx.x.q, d.q_st, i0, d.Tq);
    copy_rows<kD>(do_s, kTcQueries, goh, static_cast<int64_t>(d.H) * d.Dh, i0, d.Tq);
    if (threadIdx.x < kTcQueries) {
      const int i = i0 + threadIdx.x;
      lse_s[threadIdx.x] = i < d.Tq ? lse[static_cast<int64_t>(bh) * d.Tq + i] : -INFINITY;
      delta_s[threadIdx.x] = i < d.Tq ? delta[static_cast<int64_t>(bh) * d.Tq + i] : 0.f;
    }
    __syncthreads();
    warp_mma_abt<kTcQueries, kD>(st_w, k_s + warp * kTcRows * ld_bf16(kD), q_s);    // S^T = K Q^T
    warp_mma_abt<kTcQueries, kD>(dpt_w, v_s + warp * kTcRows * ld_bf16(kD), do_s);  // dP^T = V dO^T
    __syncwarp();
    const float* st_row = half_row<kTcQueries>(st_w, row, half);
    const float* dpt_row = half_row<kTcQueries>(dpt_w, row, half);
    nv_bf16* pt_row = pt_w + row * ld_bf16(kTcQueries) + half * kCols;
    nv_bf16* dst_row = dst_w + row * ld_bf16(kTcQueries) + half * kCols;
    for (int c = 0; c < kCols; ++c) {
      const int col = half * kCols + c, i = i0 + col;
      float p = 0.f, ds = 0.f;
      if (j < d.Tk && i < d.Tq && lse_s[col] != -INFINITY && key_visible(d, hx.x.pad, i, j)) {
        p = expf(d.scale * st_row[c] + bias_at(d, hx.x.bias, i, j) - lse_s[col]);
        ds = p * (dpt_row[c] - delta_s[col]);
      }
      pt_row[c] = __float2bfloat16_rn(p);
      dst_row[c] = __float2bfloat16_rn(ds);
    }
    __syncwarp();
    warp_mma_ab_add<kD, kTcQueries>(dv_w, pt_w, do_s);  // dV += P^T dO
    warp_mma_ab_add<kD, kTcQueries>(dk_w, dst_w, q_s);  // dK += dS^T Q
    __syncwarp();
  }
  if (j >= d.Tk) return;
  const int64_t at = packed_offset(d, hx.b, d.Tk, j, hx.h);
  store_half_row<kD>(grad_k + at, dk_w, row, half, d.scale);
  store_half_row<kD>(grad_v + at, dv_w, row, half, 1.f);
}

// The device's limit of dynamic shared memory per block for kernels that opt in.
size_t shared_memory_optin(Device device) {
  int bytes = 0;
  TESSERA_CUDA_CHECK(cudaDeviceGetAttribute(&bytes, cudaDevAttrMaxSharedMemoryPerBlockOptin, device.index));
  return static_cast<size_t>(bytes);
}

// Launches a tensor-core kernel with `bytes` of dynamic shared memory (above 48 KiB a kernel
// must opt in) over (batch * heads) x tiles of kTcBlockRows rows.
template <class Kernel, class... Args>
void launch_tc(Kernel kernel, size_t bytes, const Dims& d, int rows, cudaStream_t s, Args... args) {
  TESSERA_CUDA_CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(bytes)));
  kernel<<<grid_for(d, rows, kTcBlockRows), kBlockThreads, bytes, s>>>(d, args...);
  TESSERA_CUDA_CHECK_LAUNCH();
}

// Calls f(std::integral_constant<int, kD>) for a tensor-core head dim.
template <class F>
void dispatch_tc_head_dim(int Dh, F&& f) {
  if (Dh == 64) return f(std::integral_constant<int, 64>{});
  return f(std::integral_constant<int, 128>{});
}

// Rows per warp of the CUDA-core kernels: four query rows in the forward; two rows (keys) in the
// backward kernels, whose four fp32 tiles must fit the 48 KiB of static shared memory at Dh 128.
constexpr int kForwardRowsPerWarp = 4;
constexpr int kBackwardRowsPerWarp = 2;

template <class T>
void launch_forward_kernels(const Dims& d, const Operands<T>& x, T* out, float* lse, cudaStream_t s, Device device) {
  if constexpr (std::is_same_v<T, nv_bf16>)
    if (forward_on_tensor_cores(d.Dh, shared_memory_optin(device)))
      return dispatch_tc_head_dim(d.Dh, [&](auto width) {
        constexpr int kD = decltype(width)::value;
        launch_tc(forward_tc_kernel<kD>, forward_bytes(kD), d, d.Tq, s, x, out, lse);
      });
  dispatch_head_dim(d.Dh, [&](auto width) {
    constexpr int kD = decltype(width)::value;
    forward_kernel<T, kD, kForwardRowsPerWarp>
        <<<grid_for(d, d.Tq, kWarps * kForwardRowsPerWarp), kBlockThreads, 0, s>>>(d, x, out, lse);
    TESSERA_CUDA_CHECK_LAUNCH();
  });
}

// dQ (adding dS to dbias when it is not null), dK and dV, once delta holds D.
template <class T>
void launch_backward_kernels(const Dims& d, const Operands<T>& x, const T* grad_out, const float* lse,
                             const float* delta, const FlashAttentionGrads& grads, float* dbias, cudaStream_t s,
                             Device device) {
  T* dq = device_data<T>(grads.q);
  T* dk = device_data<T>(grads.k);
  T* dv = device_data<T>(grads.v);
  if constexpr (std::is_same_v<T, nv_bf16>)
    if (backward_on_tensor_cores(d.Dh, shared_memory_optin(device)))
      return dispatch_tc_head_dim(d.Dh, [&](auto width) {
        constexpr int kD = decltype(width)::value;
        launch_tc(grad_q_tc_kernel<kD>, grad_q_bytes(kD), d, d.Tq, s, x, grad_out, lse, delta, dq, dbias);
        launch_tc(grad_kv_tc_kernel<kD>, grad_kv_bytes(kD), d, d.Tk, s, x, grad_out, lse, delta, dk, dv);
      });
  dispatch_head_dim(d.Dh, [&](auto width) {
    constexpr int kD = decltype(width)::value;
    constexpr int kRows = kWarps * kBackwardRowsPerWarp;
    grad_q_kernel<T, kD, kBackwardRowsPerWarp>
        <<<grid_for(d, d.Tq, kRows), kBlockThreads, 0, s>>>(d, x, grad_out, lse, delta, dq, dbias);
    TESSERA_CUDA_CHECK_LAUNCH();
    grad_kv_kernel<T, kD, kBackwardRowsPerWarp>
        <<<grid_for(d, d.Tk, kRows), kBlockThreads, 0, s>>>(d, x, grad_out, lse, delta, dk, dv);
    TESSERA_CUDA_CHECK_LAUNCH();
  });
}

}  // namespace

void flash_attention_forward(const Tensor& q, const Tensor& k, const Tensor& v, const ops::AttentionOptions& options,
                             const Tensor& out, const Tensor& logsumexp) {
  const Dims d = make_dims(q, k, v, options);
  check_contiguous(out, {d.B, d.Tq, d.H, d.Dh}, q.dtype(), q.device(), "out");
  check_contiguous(logsumexp, {d.B, d.H, d.Tq}, DType::f32, q.device(), "logsumexp");
  if (static_cast<int64_t>(d.B) * d.H * d.Tq == 0) return;
  set_device(q.device());
  dispatch_floating(q.dtype(), "flash attention", [&](auto tag) {
    using T = decltype(tag);
    if constexpr (!std::is_same_v<T, double>)
      launch_forward_kernels<T>(d, operands<T>(q, k, v, options), device_data<T>(out), device_data<float>(logsumexp),
                                stream(q.device()), q.device());
  });
}

void flash_attention_backward(const Tensor& q, const Tensor& k, const Tensor& v, const ops::AttentionOptions& options,
                              const Tensor& out, const Tensor& logsumexp, const Tensor& grad_out,
                              const FlashAttentionGrads& grads) {
  const Dims d = make_dims(q, k, v, options);
  const Device dev = q.device();
  const Shape q_shape{d.B, d.Tq, d.H, d.Dh}, kv_shape{d.B, d.Tk, d.H, d.Dh};
  check_contiguous(out, q_shape, q.dtype(), dev, "out");
  check_contiguous(grad_out, q_shape, q.dtype(), dev, "grad_out");
  check_contiguous(logsumexp, {d.B, d.H, d.Tq}, DType::f32, dev, "logsumexp");
  check_contiguous(grads.q, q_shape, q.dtype(), dev, "grad_q");
  check_contiguous(grads.k, kv_shape, q.dtype(), dev, "grad_k");
  check_contiguous(grads.v, kv_shape, q.dtype(), dev, "grad_v");
  if (grads.bias.defined()) {
    TESSERA_CHECK(options.bias.defined(), "flash attention: a bias gradient needs a bias");
    check_contiguous(grads.bias, options.bias.shape(), q.dtype(), dev, "grad_bias");
  }
  if (static_cast<int64_t>(d.B) * d.H * (static_cast<int64_t>(d.Tq) + d.Tk) == 0) return;
  set_device(dev);
  cudaStream_t s = stream(dev);
  Tensor delta = Tensor::empty({d.B, d.H, d.Tq}, DType::f32, dev);
  dispatch_floating(q.dtype(), "flash attention", [&](auto tag) {
    using T = decltype(tag);
    if constexpr (!std::is_same_v<T, double>) {
      const int64_t rows = static_cast<int64_t>(d.B) * d.Tq * d.H;
      if (rows > 0) {
        delta_kernel<T><<<blocks_for(rows * kWarpSize), kThreads, 0, s>>>(d, device_data<T>(out),
                                                                            device_data<T>(grad_out),
                                                                            device_data<float>(delta));
        TESSERA_CUDA_CHECK_LAUNCH();
      }
      // The bias gradient is summed in fp32 (atomically: with a batch-1 bias every batch adds to
      // the same element), then stored in the bias dtype.
      Tensor dbias_acc;
      if (grads.bias.defined()) {
        dbias_acc = std::is_same_v<T, float> ? grads.bias : Tensor::empty(grads.bias.shape(), DType::f32, dev);
        TESSERA_CUDA_CHECK(cudaMemsetAsync(dbias_acc.raw_data(), 0, dbias_acc.nbytes(), s));
      }
      launch_backward_kernels<T>(d, operands<T>(q, k, v, options), device_data<T>(grad_out),
                                 device_data<float>(logsumexp), device_data<float>(delta), grads,
                                 dbias_acc.defined() ? device_data<float>(dbias_acc) : nullptr, s, dev);
      if constexpr (!std::is_same_v<T, float>)
        if (dbias_acc.defined()) {
          const int64_t n = dbias_acc.numel();
          convert_kernel<T><<<blocks_for(n), kThreads, 0, s>>>(device_data<float>(dbias_acc), device_data<T>(grads.bias), n);
          TESSERA_CUDA_CHECK_LAUNCH();
        }
    }
  });
}

}  // namespace tessera::cuda
