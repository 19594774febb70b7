#pragma once
// CUDA launchers of rfft2 / irfft2 through cuFFT (f32 and f64; plans cached per shape). A
// spectrum is [count, H, W/2+1] interleaved (re, im) pairs; every transform is unnormalized.
#include <cstdint>

#include "core/tensor/tensor.h"

namespace tessera::cuda {

// out = rfft2(x) for `count` real [H, W] planes.
void rfft2(const Tensor& x, int64_t count, int64_t H, int64_t W, const Tensor& out);

// out = scale * Re(inverse 2-D DFT of each half spectrum extended to W columns): the columns that
// stand for a conjugate pair (not the zero or Nyquist column) are weighted by `paired_weight`
// against their Hermitian mirror, and the imaginary parts of the zero and Nyquist columns drop
// out. paired_weight 1 is irfft2 (with scale 1/(H W)); 1/2 is the adjoint of rfft2.
void half_spectrum_inverse(const Tensor& spectrum, int64_t count, int64_t H, int64_t W, double paired_weight,
                           double scale, const Tensor& out);

// Multiplies, in place, the paired columns of `rows` half-spectrum rows by `paired` and the zero
// and Nyquist columns by `unpaired`.
void scale_half_spectrum(const Tensor& spectrum, int64_t rows, int64_t W, double paired, double unpaired);

}  // namespace tessera::cuda
