#include "modalities/field/patch_grid.h"

#include "core/ops/ops.h"
#include "core/util/error.h"

namespace tessera::field {
namespace {

Tensor pad_dim(const Tensor& x, int64_t dim, int64_t size) {
  if (x.size(dim) == size) return x;
  Shape pad_shape = x.shape();
  pad_shape[static_cast<size_t>(dim)] = size - x.size(dim);
  return ops::concat({x, Tensor::zeros(pad_shape, x.dtype())}, dim);
}

}  // namespace

Tensor patchify(const Tensor& fields, const PatchGrid& g) {
  TESSERA_CHECK(fields.dim() == 4 && fields.size(2) == g.lats && fields.size(3) == g.lons,
                "patchify: fields must be [B, C, " + std::to_string(g.lats) + ", " + std::to_string(g.lons) + "], got " +
                    shape_str(fields.shape()));
  const int64_t B = fields.size(0), C = fields.size(1), p = g.patch;
  Tensor x = pad_dim(pad_dim(fields, 2, g.padded_lats()), 3, g.padded_lons());
  x = ops::reshape(x, {B, C, g.rows(), p, g.cols(), p});  // (B, C, R, p, Q, p)
  x = ops::transpose(ops::transpose(x, 0, 1), 3, 4);       // (C, B, R, Q, p, p)
  return ops::reshape(ops::contiguous(x), {C, B * g.patches(), p * p});
}

Tensor unpatchify(const Tensor& patches, const PatchGrid& g, int64_t channels) {
  const int64_t p = g.patch, B = patches.size(0);
  TESSERA_CHECK(patches.dim() == 3 && patches.size(1) == g.patches() && patches.size(2) == channels * p * p,
                "unpatchify: patches must be [B, " + std::to_string(g.patches()) + ", " +
                    std::to_string(channels * p * p) + "], got " + shape_str(patches.shape()));
  Tensor x = ops::reshape(patches, {B, g.rows(), g.cols(), channels, p, p});  // (B, R, Q, C, p, p)
  x = ops::transpose(ops::transpose(ops::transpose(x, 1, 3), 2, 3), 3, 4);     // (B, C, R, p, Q, p)
  x = ops::reshape(ops::contiguous(x), {B, channels, g.padded_lats(), g.padded_lons()});
  if (g.padded_lats() != g.lats) x = ops::slice(x, 2, 0, g.lats);
  if (g.padded_lons() != g.lons) x = ops::slice(x, 3, 0, g.lons);
  return ops::contiguous(x);
}

}  // namespace tessera::field
