#include <complex>
#include <unsupported/Eigen/FFT>

#include "core/autograd/autograd.h"
#include "core/ops/cpu/dispatch.h"
#include "core/ops/cuda/fft.h"
#include "core/ops/cuda_call.h"
#include "core/ops/ops.h"

namespace tessera::ops {
namespace {

// Transforms `count` lines of n complex values, line i starting at data + i * line_stride with
// elements elem_stride apart. Unnormalized in both directions.
template <class T>
void fft_lines(std::complex<T>* data, int64_t count, int64_t n, int64_t line_stride, int64_t elem_stride, bool inverse) {
  // The DFT of one value is that value; Eigen's kissfft has no plan for n = 1 and reads past its
  // factor table (a grid one patch high or wide gives such an axis).
  if (n <= 1) return;
  Eigen::FFT<T> fft;
  fft.SetFlag(Eigen::FFT<T>::Unscaled);
  std::vector<std::complex<T>> in(n), out(n);
  for (int64_t i = 0; i < count; ++i) {
    std::complex<T>* line = data + i * line_stride;
    for (int64_t j = 0; j < n; ++j) in[j] = line[j * elem_stride];
    if (inverse) fft.inv(out, in); else fft.fwd(out, in);
    for (int64_t j = 0; j < n; ++j) line[j * elem_stride] = out[j];
  }
}

// One [H, K] complex plane stored as interleaved (re, im) pairs.
template <class T>
std::complex<T>* as_complex(T* p) { return reinterpret_cast<std::complex<T>*>(p); }

// Forward rfft2 of one real [H, W] plane into a [H, W/2+1] complex plane.
template <class T>
void rfft2_plane(const T* x, int64_t H, int64_t W, std::complex<T>* out) {
  const int64_t K = W / 2 + 1;
  std::vector<std::complex<T>> row(W);
  for (int64_t r = 0; r < H; ++r) {
    for (int64_t j = 0; j < W; ++j) row[j] = x[r * W + j];
    fft_lines(row.data(), 1, W, W, 1, false);
    for (int64_t k = 0; k < K; ++k) out[r * K + k] = row[k];
  }
  fft_lines(out, K, H, 1, K, false);
}

// Adjoint of rfft2_plane: Re(unnormalized inverse DFT of the half spectrum, zero elsewhere).
template <class T>
void rfft2_plane_adjoint(const std::complex<T>* g, int64_t H, int64_t W, T* dx) {
  const int64_t K = W / 2 + 1;
  std::vector<std::complex<T>> plane(g, g + H * K), row(W);
  fft_lines(plane.data(), K, H, 1, K, true);
  for (int64_t r = 0; r < H; ++r) {
    for (int64_t j = 0; j < W; ++j) row[j] = j < K ? plane[r * K + j] : std::complex<T>(0);
    fft_lines(row.data(), 1, W, W, 1, true);
    for (int64_t j = 0; j < W; ++j) dx[r * W + j] = row[j].real();
  }
}

// irfft2 of one [H, W/2+1] plane: inverse along H, then a Hermitian-extended inverse along W
// (the imaginary parts of the zero and Nyquist columns drop out, as in numpy and torch).
template <class T>
void irfft2_plane(const std::complex<T>* c, int64_t H, int64_t W, T* x) {
  const int64_t K = W / 2 + 1;
  std::vector<std::complex<T>> plane(c, c + H * K), row(W);
  fft_lines(plane.data(), K, H, 1, K, true);
  const T norm = T(1) / static_cast<T>(H * W);
  for (int64_t r = 0; r < H; ++r) {
    for (int64_t k = 0; k < K; ++k) row[k] = plane[r * K + k];
    for (int64_t k = 1; W - k >= K; ++k) row[W - k] = std::conj(plane[r * K + k]);
    fft_lines(row.data(), 1, W, W, 1, true);
    for (int64_t j = 0; j < W; ++j) x[r * W + j] = row[j].real() * norm;
  }
}

struct Planes {
  int64_t count, H, W;
};

Planes planes_of(const Shape& s, int64_t W) {
  int64_t count = 1;
  for (size_t i = 0; i + 2 < s.size(); ++i) count *= s[i];
  return {count, s[s.size() - 2], W};
}

}  // namespace

Tensor rfft2(const Tensor& x_in) {
  Tensor x = contiguous(x_in).detach();
  TESSERA_CHECK(x.dim() >= 2, "rfft2: needs [..., H, W], got " + shape_str(x.shape()));
  const Planes p = planes_of(x.shape(), x.size(-1));
  const int64_t K = p.W / 2 + 1;
  Shape out_shape(x.shape().begin(), x.shape().end() - 1);
  out_shape.push_back(K);
  out_shape.push_back(2);
  Tensor out = Tensor::empty(out_shape, x.dtype(), x.device());
  if (on_cuda(x))
    TESSERA_CUDA_CALL(cuda::rfft2(x, p.count, p.H, p.W, out));
  else
    cpu::dispatch_floating(x.dtype(), "rfft2", [&](auto tag) {
      using T = decltype(tag);
#pragma omp parallel for schedule(static) if (p.count > 1)
      for (int64_t i = 0; i < p.count; ++i)
        rfft2_plane(x.data<T>() + i * p.H * p.W, p.H, p.W, as_complex(out.data<T>()) + i * p.H * K);
    });
  if (autograd::needs_graph({x_in}))
    autograd::record(out, {x_in}, [p, K, shape = x.shape()](std::vector<Tensor>& in, const Tensor& g_in) {
      Tensor g = contiguous(g_in);
      Tensor gx = Tensor::empty(shape, g.dtype(), g.device());
      if (on_cuda(g))
        TESSERA_CUDA_CALL(cuda::half_spectrum_inverse(g, p.count, p.H, p.W, 0.5, 1.0, gx));
      else
        cpu::dispatch_floating(g.dtype(), "rfft2", [&](auto tag) {
          using T = decltype(tag);
#pragma omp parallel for schedule(static) if (p.count > 1)
          for (int64_t i = 0; i < p.count; ++i)
            rfft2_plane_adjoint(as_complex(g.data<T>()) + i * p.H * K, p.H, p.W, gx.data<T>() + i * p.H * p.W);
        });
      autograd::add_grad(in, 0, gx);
    });
  return out;
}

Tensor irfft2(const Tensor& x_in, int64_t width) {
  Tensor x = contiguous(x_in).detach();
  TESSERA_CHECK(x.dim() >= 3 && x.size(-1) == 2 && x.size(-2) == width / 2 + 1,
                "irfft2: needs [..., H, width/2+1, 2] for width " + std::to_string(width) + ", got " + shape_str(x.shape()));
  Shape out_shape(x.shape().begin(), x.shape().end() - 2);
  out_shape.push_back(width);
  const Planes p = planes_of(out_shape, width);
  const int64_t K = width / 2 + 1;
  Tensor out = Tensor::empty(out_shape, x.dtype(), x.device());
  if (on_cuda(x))
    TESSERA_CUDA_CALL(cuda::half_spectrum_inverse(x, p.count, p.H, p.W, 1.0, 1.0 / static_cast<double>(p.H * p.W), out));
  else
    cpu::dispatch_floating(x.dtype(), "irfft2", [&](auto tag) {
      using T = decltype(tag);
#pragma omp parallel for schedule(static) if (p.count > 1)
      for (int64_t i = 0; i < p.count; ++i)
        irfft2_plane(as_complex(x.data<T>()) + i * p.H * K, p.H, p.W, out.data<T>() + i * p.H * p.W);
    });
  if (autograd::needs_graph({x_in}))
    autograd::record(out, {x_in}, [p, K, spectrum_shape = x.shape()](std::vector<Tensor>& in, const Tensor& g_in) {
      // d/dX = m_k / (H W) * rfft2(g), with m_k = 2 for the columns that stand for a conjugate pair.
      Tensor g = contiguous(g_in).detach();
      Tensor gx = rfft2(g);
      const double norm = 1.0 / static_cast<double>(p.H * p.W);
      if (on_cuda(gx))
        TESSERA_CUDA_CALL(cuda::scale_half_spectrum(gx, p.count * p.H, p.W, 2 * norm, norm));
      else
        cpu::dispatch_floating(g.dtype(), "irfft2", [&](auto tag) {
          using T = decltype(tag);
          std::complex<T>* c = as_complex(gx.data<T>());
          for (int64_t i = 0; i < p.count * p.H; ++i)
            for (int64_t k = 0; k < K; ++k) {
              const bool paired = k > 0 && !(p.W % 2 == 0 && k == p.W / 2);
              c[i * K + k] *= static_cast<T>(paired ? 2 * norm : norm);
            }
        });
      autograd::add_grad(in, 0, gx);
    });
  return out;
}

}  // namespace tessera::ops
