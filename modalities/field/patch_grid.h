#pragma once
// A lat x lon grid cut into patch x patch squares. Grids that do not divide evenly are padded
// with zeros at the southern/eastern edge (in array order: the last rows and columns); the
// model's output is cropped back, so padding never reaches a loss or a forecast.
#include <cstdint>

#include "core/tensor/tensor.h"

namespace tessera::field {

struct PatchGrid {
  int64_t lats = 0, lons = 0, patch = 1;
  int64_t rows() const { return (lats + patch - 1) / patch; }
  int64_t cols() const { return (lons + patch - 1) / patch; }
  int64_t patches() const { return rows() * cols(); }
  int64_t padded_lats() const { return rows() * patch; }
  int64_t padded_lons() const { return cols() * patch; }
};

// [B, C, lats, lons] -> [C, B * patches, patch * patch], patches in row-major order: the layout
// for one linear per channel (a batched matmul over C).
Tensor patchify(const Tensor& fields, const PatchGrid& grid);
// [B, patches, C * patch * patch] -> [B, C, lats, lons] (padding cropped).
Tensor unpatchify(const Tensor& patches, const PatchGrid& grid, int64_t channels);

}  // namespace tessera::field
