#pragma once
// Gridded fields -> trunk tokens, as ClimaX: each channel's patches go through that channel's own
// linear map, plus a learned variable embedding; a cross-attention with one learned query per patch
// aggregates the channels into one token per patch; then a 2-D position embedding (learned,
// started from sin-cos over patch row and column), a lead-time embedding and a calendar embedding
// (time of day and of year of the initial time) are added.
#include <vector>

#include "core/nn/layers.h"
#include "core/nn/tokens.h"
#include "modalities/field/patch_grid.h"

namespace tessera::field {

struct FieldEmbeddingConfig {
  int64_t channels = 1;
  PatchGrid grid;
  int64_t d_model = 128;
  int64_t n_head = 4;  // heads of the variable aggregation
};

// sin/cos of the time of day and of the time of year, for times in hours since 1970-01-01:
// [times, kCalendarFeatures].
constexpr int64_t kCalendarFeatures = 4;
Tensor calendar_features(const std::vector<double>& time_hours);

// 2-D sin-cos table [rows * cols, dim]: half the dimensions encode the row, half the column.
Tensor sincos_position_table(int64_t rows, int64_t cols, int64_t dim);

class FieldPatchEmbedding : public nn::Module {
 public:
  explicit FieldPatchEmbedding(const FieldEmbeddingConfig& config);
  // fields [B, C, lats, lons] (normalized, no NaN), lead_hours [B], calendar [B, kCalendarFeatures]
  // -> tokens [B, patches, D].
  nn::Tokens forward(const Tensor& fields, const Tensor& lead_hours, const Tensor& calendar) const;
  // Sets the position embedding to its sin-cos starting value.
  void reset_position_embedding();
  const FieldEmbeddingConfig& config() const { return config_; }

  Tensor patch_weight;        // [C, patch * patch, D]
  Tensor patch_bias;          // [C, 1, D]
  Tensor variable_embedding;  // [C, 1, D]
  Tensor aggregation_query;   // [1, 1, D]
  nn::Linear aggregation_kv;  // D -> 2D
  nn::Linear aggregation_proj;
  Tensor position_embedding;  // [patches, D]
  nn::Linear lead_time_embedding;  // lead in days -> D
  nn::Linear calendar_embedding;   // kCalendarFeatures -> D

 private:
  Tensor aggregate(const Tensor& variable_tokens, int64_t batch) const;
  FieldEmbeddingConfig config_;
};

}  // namespace tessera::field
