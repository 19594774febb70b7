#include <cufft.h>

#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <type_traits>

#include "core/cuda/check.cuh"
#include "core/cuda/dtype.cuh"
#include "core/cuda/launch.cuh"
#include "core/cuda/toolkit_library.h"
#include "core/ops/cuda/fft.h"

#define TESSERA_CUFFT_CHECK(call) TESSERA_CUDA_LIBRARY_CHECK(call, CUFFT_SUCCESS, ::tessera::cuda::cufft_status)

namespace tessera::cuda {
namespace {

// Every cuFFT function this file calls, from the library opened on first use.
#define TESSERA_CUFFT_FUNCTIONS(X) \
  X(cufftExecC2C) \
  X(cufftExecC2R) \
  X(cufftExecD2Z) \
  X(cufftExecR2C) \
  X(cufftExecZ2D) \
  X(cufftExecZ2Z) \
  X(cufftPlanMany) \
  X(cufftSetStream)
TESSERA_TOOLKIT_FUNCTIONS(Cufft, TESSERA_CUFFT_FUNCTIONS);

const Cufft& cufft() { return toolkit_functions<Cufft>("libcufft.so." TESSERA_STRINGIFY(CUFFT_VER_MAJOR)); }

std::string cufft_status(cufftResult result) { return "cuFFT status " + std::to_string(int(result)); }

// No plan ever has a length-1 axis: cuFFT's support for those is not documented, and the DFT
// along such an axis is the identity, so the callers leave it out.
enum class Plan { plane_r2c, rows_r2c, columns_c2c, rows_c2r };

// Plans are costly to make and hold their own work area, so each shape gets one, kept for the
// process and bound to the device's stream.
template <class R>
cufftHandle plan_for(Device device, Plan kind, int64_t H, int64_t W, int64_t batch) {
  constexpr bool f64 = std::is_same_v<R, double>;
  static std::mutex mutex;
  static std::map<std::tuple<int, int, bool, int64_t, int64_t, int64_t>, cufftHandle> plans;
  std::lock_guard<std::mutex> lock(mutex);
  const auto key = std::make_tuple(device.index, int(kind), f64, H, W, batch);
  auto found = plans.find(key);
  if (found != plans.end()) return found->second;
  const int K = static_cast<int>(W / 2 + 1);
  cufftHandle plan = 0;
  switch (kind) {
    case Plan::plane_r2c: {  // whole [H, W] planes, packed
      int n[2] = {static_cast<int>(H), static_cast<int>(W)};
      TESSERA_CUFFT_CHECK(cufft().cufftPlanMany(&plan, 2, n, nullptr, 1, 0, nullptr, 1, 0, f64 ? CUFFT_D2Z : CUFFT_R2C,
                                        static_cast<int>(batch)));
      break;
    }
    case Plan::rows_r2c: {  // real rows of W into half-spectrum rows of K
      int n[1] = {static_cast<int>(W)};
      TESSERA_CUFFT_CHECK(cufft().cufftPlanMany(&plan, 1, n, nullptr, 1, 0, nullptr, 1, 0, f64 ? CUFFT_D2Z : CUFFT_R2C,
                                        static_cast<int>(batch)));
      break;
    }
    case Plan::columns_c2c: {  // every column of `batch` [H, K] planes interleaved row by row as
                               // [H, batch, K]: lines of H, batch * K apart
      int n[1] = {static_cast<int>(H)}, embed[1] = {static_cast<int>(H)};
      const int lines = static_cast<int>(batch) * K;
      TESSERA_CUFFT_CHECK(cufft().cufftPlanMany(&plan, 1, n, embed, lines, 1, embed, lines, 1, f64 ? CUFFT_Z2Z : CUFFT_C2C, lines));
      break;
    }
    case Plan::rows_c2r: {  // Hermitian rows of K values into real rows of W
      int n[1] = {static_cast<int>(W)};
      TESSERA_CUFFT_CHECK(cufft().cufftPlanMany(&plan, 1, n, nullptr, 1, 0, nullptr, 1, 0, f64 ? CUFFT_Z2D : CUFFT_C2R,
                                        static_cast<int>(batch)));
      break;
    }
  }
  TESSERA_CUFFT_CHECK(cufft().cufftSetStream(plan, stream(device)));
  plans.emplace(key, plan);
  return plan;
}

// c holds rows of K (re, im) pairs. Column k of a width-W spectrum stands for a conjugate pair
// unless it is the zero column or (even W) the Nyquist column.
template <class R>
__global__ void weight_columns_kernel(R* c, int64_t rows, int64_t W, R paired, R unpaired, bool drop_unpaired_imag) {
  const int64_t K = W / 2 + 1, n = rows * K;
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    const int64_t k = i % K;
    const bool is_paired = k > 0 && !(W % 2 == 0 && k == W / 2);
    const R w = is_paired ? paired : unpaired;
    c[2 * i] *= w;
    c[2 * i + 1] = !is_paired && drop_unpaired_imag ? R(0) : c[2 * i + 1] * w;
  }
}

// out [B, A, K] = in [A, B, K] with the first two axes swapped.
template <class C>
__global__ void swap_leading_axes_kernel(const C* in, C* out, int64_t A, int64_t B, int64_t K) {
  const int64_t n = A * B * K;
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    const int64_t k = i % K, b = (i / K) % B, a = i / (K * B);
    out[(b * A + a) * K + k] = in[i];
  }
}

// c = x + 0i, for n values.
template <class R>
__global__ void real_to_complex_kernel(const R* x, R* c, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    c[2 * i] = x[i];
    c[2 * i + 1] = R(0);
  }
}

// x = Re(c), for n values.
template <class R>
__global__ void real_part_kernel(const R* c, R* x, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    x[i] = c[2 * i];
}

template <class R>
__global__ void scale_kernel(R* x, int64_t n, R factor) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    x[i] *= factor;
}

// Calls f(R{}) with the real type of an f32 or f64 tensor; cuFFT has no bf16 transform.
template <class F>
void dispatch_real(DType dtype, const char* op, F&& f) {
  switch (dtype) {
    case DType::f32: return f(float{});
    case DType::f64: return f(double{});
    default: throw ShapeError(std::string(op) + ": needs f32 or f64 on CUDA, got " + dtype_name(dtype));
  }
}

template <class R>
using Complex = std::conditional_t<std::is_same_v<R, double>, cufftDoubleComplex, cufftComplex>;

template <class R>
void exec_r2c(cufftHandle plan, R* in, Complex<R>* out) {
  if constexpr (std::is_same_v<R, double>) TESSERA_CUFFT_CHECK(cufft().cufftExecD2Z(plan, in, out));
  else TESSERA_CUFFT_CHECK(cufft().cufftExecR2C(plan, in, out));
}
template <class R>
void exec_c2c(cufftHandle plan, Complex<R>* data, int direction) {
  if constexpr (std::is_same_v<R, double>) TESSERA_CUFFT_CHECK(cufft().cufftExecZ2Z(plan, data, data, direction));
  else TESSERA_CUFFT_CHECK(cufft().cufftExecC2C(plan, data, data, direction));
}
template <class R>
void exec_c2r(cufftHandle plan, Complex<R>* in, R* out) {
  if constexpr (std::is_same_v<R, double>) TESSERA_CUFFT_CHECK(cufft().cufftExecZ2D(plan, in, out));
  else TESSERA_CUFFT_CHECK(cufft().cufftExecC2R(plan, in, out));
}

}  // namespace

void rfft2(const Tensor& x, int64_t count, int64_t H, int64_t W, const Tensor& out) {
  const Device device = x.device();
  set_device(device);
  if (count * H * W == 0) return;
  dispatch_real(x.dtype(), "rfft2", [&](auto tag) {
    using R = decltype(tag);
    R* in = static_cast<R*>(x.raw_data());
    auto* c = static_cast<Complex<R>*>(out.raw_data());
    if (W == 1) {
      // One column (K = 1): the spectrum is the full complex DFT along H of the real values.
      real_to_complex_kernel<R><<<blocks_for(count * H), kThreads, 0, stream(device)>>>(
          in, static_cast<R*>(out.raw_data()), count * H);
      TESSERA_CUDA_CHECK_LAUNCH();
      if (H == 1) return;
      const cufftHandle columns = plan_for<R>(device, Plan::columns_c2c, H, W, 1);
      for (int64_t i = 0; i < count; ++i) exec_c2c<R>(columns, c + i * H, CUFFT_FORWARD);
    } else if (H == 1) {
      exec_r2c<R>(plan_for<R>(device, Plan::rows_r2c, H, W, count), in, c);
    } else {
      // An out-of-place real-to-complex transform leaves its input as it was.
      exec_r2c<R>(plan_for<R>(device, Plan::plane_r2c, H, W, count), in, c);
    }
  });
}

void half_spectrum_inverse(const Tensor& spectrum, int64_t count, int64_t H, int64_t W, double paired_weight,
                           double scale, const Tensor& out) {
  const Device device = spectrum.device();
  set_device(device);
  const int64_t K = W / 2 + 1;
  if (count * H * W == 0) return;
  dispatch_real(spectrum.dtype(), "irfft2", [&](auto tag) {
    using R = decltype(tag);
    // cuFFT's complex-to-real transform overwrites its input: work on a copy.
    Tensor work = Tensor::empty({count * H * K * 2}, spectrum.dtype(), device);
    auto* c = static_cast<Complex<R>*>(work.raw_data());
    const auto* spectrum_c = static_cast<const Complex<R>*>(spectrum.raw_data());
    if (H > 1) {
      // Inverse along H, a full complex transform of every column of every plane in one cuFFT
      // call: on the planes interleaved row by row ([H, count, K]), then back to [count, H, K].
      Tensor interleaved = Tensor::empty({count * H * K * 2}, spectrum.dtype(), device);
      auto* t = static_cast<Complex<R>*>(interleaved.raw_data());
      swap_leading_axes_kernel<Complex<R>><<<blocks_for(count * H * K), kThreads, 0, stream(device)>>>(spectrum_c, t, count, H, K);
      TESSERA_CUDA_CHECK_LAUNCH();
      exec_c2c<R>(plan_for<R>(device, Plan::columns_c2c, H, W, count), t, CUFFT_INVERSE);
      swap_leading_axes_kernel<Complex<R>><<<blocks_for(count * H * K), kThreads, 0, stream(device)>>>(t, c, H, count, K);
      TESSERA_CUDA_CHECK_LAUNCH();
    } else {
      TESSERA_CUDA_CHECK(cudaMemcpyAsync(c, spectrum_c, sizeof(R) * count * H * K * 2, cudaMemcpyDeviceToDevice,
                                         stream(device)));
    }
    // Along W the rows are then Hermitian once the zero and Nyquist columns are real.
    weight_columns_kernel<R><<<blocks_for(count * H * K), kThreads, 0, stream(device)>>>(
        static_cast<R*>(work.raw_data()), count * H, W, R(paired_weight), R(1), true);
    TESSERA_CUDA_CHECK_LAUNCH();
    R* x = static_cast<R*>(out.raw_data());
    if (W > 1) {
      exec_c2r<R>(plan_for<R>(device, Plan::rows_c2r, H, W, count * H), c, x);
    } else {
      real_part_kernel<R><<<blocks_for(count * H), kThreads, 0, stream(device)>>>(
          static_cast<const R*>(work.raw_data()), x, count * H);
      TESSERA_CUDA_CHECK_LAUNCH();
    }
    if (scale != 1.0) {
      scale_kernel<R><<<blocks_for(count * H * W), kThreads, 0, stream(device)>>>(x, count * H * W, R(scale));
      TESSERA_CUDA_CHECK_LAUNCH();
    }
  });
}

void scale_half_spectrum(const Tensor& spectrum, int64_t rows, int64_t W, double paired, double unpaired) {
  const Device device = spectrum.device();
  set_device(device);
  const int64_t K = W / 2 + 1;
  if (rows * K == 0) return;
  dispatch_real(spectrum.dtype(), "irfft2", [&](auto tag) {
    using R = decltype(tag);
    weight_columns_kernel<R><<<blocks_for(rows * K), kThreads, 0, stream(device)>>>(
        static_cast<R*>(spectrum.raw_data()), rows, W, R(paired), R(unpaired), false);
    TESSERA_CUDA_CHECK_LAUNCH();
  });
}

}  // namespace tessera::cuda
